// A whole program around your Thread (ready-made: read it, do not change it). The tests run it as a
// real child process, `node program.mjs '{"mode":"daemon"}'` (bundled from this file), and check
// that it ends by itself, and when: Python's rule is that a program ends once its main code and
// every non-daemon thread have ended; a daemon thread is cut off then, whatever it is doing.
//
//   mode "daemon"       a daemon thread held at a gate nobody opens (it never ends), and a non-daemon
//                       thread that counts and ends; the main code joins that one with a timeout of a
//                       minute and returns. The program must end by itself, at once, with exit code 0.
//   mode "non-daemon"   one non-daemon thread held at a gate; the main code returns. Only a timer that
//                       cannot keep the program alive (unref()) opens the gate: it ticks only while the
//                       thread keeps the program running, as a non-daemon thread must.
//
// What it prints, one line each (the tests read these lines):
//   main: threads running                  the thread held at its gate is inside its target
//   main: counter joined, alive false      (daemon) join(60000) of the non-daemon thread resolved at its end
//   main: returned                         the main code is over
//   main: still alive                      (non-daemon) the program outlived its main code; the gate opens now
//   exit: non-daemon done=1 daemon=1:0     from process.on("exit"): whether the non-daemon thread's target
//                                          finished, and whether the daemon's arrived and finished

import { writeSync } from "node:fs";
import { Thread } from "#kata/11-thread/thread.ts";

export interface ProgramOptions {
  mode: "daemon" | "non-daemon";
}

const jobs = new URL("./jobs.ts", import.meta.url);

/** One line to stdout at once (a write to fd 1, so that it is out before the program ends). */
function say(line: string): void {
  writeSync(1, `${line}\n`);
}

function words(count: number): Int32Array {
  return new Int32Array(new SharedArrayBuffer(count * Int32Array.BYTES_PER_ELEMENT));
}

async function main(): Promise<void> {
  const { mode } = JSON.parse(process.argv[2] ?? "{}") as ProgramOptions;
  // Only the test's end of the IPC channel would be left to keep the program alive: let go of it,
  // and go if the test runner goes. A safety net, far past any test's deadline.
  process.on("disconnect", () => process.kill(process.pid, "SIGKILL"));
  process.channel?.unref();
  setTimeout(() => process.kill(process.pid, "SIGKILL"), 120_000).unref();

  // Slot 0: the daemon (mode "daemon"); slot 1: the non-daemon thread.
  const [arrived, gate, done, counter] = [words(2), words(2), words(2), words(2)];
  process.on("exit", () => {
    say(`exit: non-daemon done=${Atomics.load(done, 1)} daemon=${Atomics.load(arrived, 0)}:${Atomics.load(done, 0)}`);
  });
  const until = (slot: number) => {
    while (Atomics.load(arrived, slot) === 0) Atomics.wait(arrived, slot, 0, 50);
  };

  if (mode === "daemon") {
    new Thread({ target: [jobs, "waitAtGate"], args: [arrived, gate, done, 0], name: "daemon", daemon: true }).start();
    const counting = new Thread({
      target: [jobs, "countTo"],
      args: [counter, done, 1, 1000],
      name: "counter",
      daemon: false,
    });
    counting.start();
    until(0);
    say("main: threads running");
    // A join with a long timeout that the thread's end cuts short must leave nothing behind (no timer
    // of a minute that keeps the program alive).
    await counting.join(60_000);
    say(`main: counter joined, alive ${counting.isAlive()}`);
  } else {
    new Thread({ target: [jobs, "waitAtGate"], args: [arrived, gate, done, 1], name: "held", daemon: false }).start();
    until(1);
    say("main: threads running");
    // A timer that cannot keep the program alive ticks only while something else does. A program
    // that nothing holds ends within a tick or two of its main code (Node's last internal events);
    // 25 ticks later it is surely held by the thread: now the gate opens.
    let ticks = 0;
    const ticking = setInterval(() => {
      if (++ticks < 25) return;
      clearInterval(ticking);
      say("main: still alive");
      Atomics.store(gate, 1, 1);
      Atomics.notify(gate, 1);
    }, 1).unref();
  }
  say("main: returned");
}

await main();
