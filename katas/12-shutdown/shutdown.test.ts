// Kata 12's tests. Each runs the service (program.ts around your serve()) as a real child process,
// sends it real signals, and checks its exit code, that it exits within a generous deadline, and the
// file its writers wrote. Signals are sent at points chosen by order ("after writer w0 has said it is
// idle"), never after a sleep. The program is always killed at the end of a test, whatever happened.

import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, test } from "vitest";
import { describeExit, kataProgram, patienceMs, type Exit, type RunningProgram } from "#threadkata/child-program.ts";
import { ForbiddenOutcome, RuleBroken } from "#threadkata/failures.ts";
import { kataSuite } from "#threadkata/suite.ts";
import type { ProgramOptions } from "./program.ts";
import type * as scenarios from "./stop-event.scenarios.ts";

const program = kataProgram("12-shutdown", new URL("./program.ts", import.meta.url));
const stopEvent = kataSuite<typeof scenarios>("12-shutdown", new URL("./stop-event.scenarios.ts", import.meta.url));

describe("12-shutdown: the stop event", () => {
  test("a new event is not set; wait(0) and wait(-1) return false; once set, wait() returns true at once; one event over one memory", () =>
    stopEvent.stress("stopEventBasics"));
  test("wait(timeout) returns false once the timeout has passed, never before", () => stopEvent.stress("waitTimesOut"));
  test("set() wakes every thread asleep in wait(), with or without a timeout", () =>
    stopEvent.stress("setWakesEverySleeper"));
});

/** An idle writer sleeps this long in stop.wait(): far past any deadline here, so only a wake-up ends it. */
const idleMs = 60_000;

function start(options: Omit<ProgramOptions, "directory" | "idleMs">): Promise<RunningProgram> {
  return program.start({ ...options, idleMs });
}

const writerNames = (count: number) => Array.from({ length: count }, (_, index) => `w${index}`);

/** Every record the program reported as accepted is in the file, whole, exactly once. */
async function judgeRecords(run: RunningProgram, when: string): Promise<void> {
  const accepted = run.stdout
    .filter((line) => line.startsWith("accepted "))
    .map((line) => line.slice("accepted ".length));
  // Each writer appends to its own file, w0.log, w1.log, ...; no file: nothing was ever flushed.
  const files = readdirSync(run.directory).filter((file) => file.endsWith(".log"));
  const text = files.map((file) => readFileSync(path.join(run.directory, file), "utf8")).join("\n");
  const whole = new Map<string, number>();
  for (const [, id] of text.matchAll(/<(w\d+-\d+) x{40} \1>\n/g)) whole.set(id!, (whole.get(id!) ?? 0) + 1);
  const begun = (id: string) => text.split(`<${id} `).length - 1;
  const lost = accepted.filter((id) => begun(id) === 0);
  const cut = accepted.filter((id) => begun(id) > (whole.get(id) ?? 0));
  const twice = [...whole].filter(([, count]) => count > 1).map(([id, count]) => `${id} ×${count}`);
  if (lost.length + cut.length + twice.length === 0) return;
  const problems = [
    lost.length
      ? `  not in the file at all: ${lost.join(", ")} (${lost.length} of the ${accepted.length} accepted)`
      : "",
    cut.length ? `  cut, begun but not whole: ${cut.join(", ")}` : "",
    twice.length ? `  in the file more than once: ${twice.join(", ")}` : "",
  ].filter(Boolean);
  throw await run.fail(
    ForbiddenOutcome,
    `acknowledged records lost ${when}:\n${problems.join("\n")}\n` +
      `The program printed "accepted <id>" for each: a graceful stop writes every one of them whole, once. The writers ` +
      `finish the record in hand and flush their buffer before they end; process.exit() cuts every thread off where it ` +
      `is, and what sat in their buffers never reaches the file.`,
  );
}

/** serve() resolved only once every writer had ended: its line comes after every "wN done". */
async function judgeServeAfterWriters(run: RunningProgram, writers: number): Promise<void> {
  const returned = run.stdout.indexOf("main: serve() returned");
  const early = writerNames(writers).filter((name) => run.stdout.indexOf(`${name} done`) > returned);
  if (returned >= 0 && early.length) {
    throw await run.fail(
      RuleBroken,
      `serve() returned before writer${early.length > 1 ? "s" : ""} ${early.join(", ")} had ended: it resolves once every writer has ended ` +
        `(await each one's "exit", as Python's main thread would join() them), not as soon as they are started`,
    );
  }
}

/** A graceful end: not killed by the signal, exit code 0, every writer done, serve() returned. */
async function judgeGracefulExit(run: RunningProgram, exit: Exit, signal: string, writers: number): Promise<void> {
  if (exit.signal) {
    throw await run.fail(
      RuleBroken,
      `the program was ${describeExit(exit)}: Node's default for ${signal} ends the program at once. Listen for it ` +
        `(process.on("SIGINT", ...) and process.on("SIGTERM", ...)) before you start any thread.`,
    );
  }
  await judgeRecords(run, `after ${signal}`);
  if (exit.code !== 0)
    throw await run.fail(
      RuleBroken,
      `after ${signal} the program ended with ${describeExit(exit)}, not 0: a graceful stop is a success`,
    );
  const unfinished = writerNames(writers).filter((name) => !run.printed(`${name} done`));
  if (unfinished.length) {
    throw await run.fail(
      RuleBroken,
      `the program ended before writer${unfinished.length > 1 ? "s" : ""} ${unfinished.join(", ")} had finished ("${unfinished[0]} done" ` +
        `never came): writers are not daemons; wait for each one's "exit" before serve() resolves, and never process.exit() past them`,
    );
  }
  if (!run.printed("main: serve() returned")) {
    throw await run.fail(
      RuleBroken,
      `after ${signal} the program ended (exit code 0) without serve() returning: do not end the program from inside serve(); let it resolve`,
    );
  }
  await judgeServeAfterWriters(run, writers);
}

/** Waits until the writers sleep in Atomics.wait on the stop event's word: then, and only then, a signal tests the wake-up. */
async function untilAsleep(run: RunningProgram, names: string[]): Promise<void> {
  run.send({ untilAsleep: names });
  await run.line(
    `asleep: ${names.join(" ")}`,
    `writers ${names.join(" and ")} falling asleep in stop.wait(): it must sleep in Atomics.wait on the event's own word (never spin, never sleep elsewhere)`,
    patienceMs(),
  );
}

/** Waits for "w0-2 stop seen": the first signal was handled while w0 has record w0-2 in hand. */
async function untilStopSeen(run: RunningProgram, signal: string): Promise<void> {
  const seen = await run.lineOrExit(
    "w0-2 stop seen",
    `after ${signal}, writer w0 (record w0-2 in hand, half written, its disk held) waiting in stop.wait() for the stop event: ` +
      `set() must wake every sleeper at once`,
    patienceMs(),
  );
  if (seen !== undefined) return;
  await judgeRecords(run, `at ${signal}, while writer w0 had record w0-2 in hand`);
  throw await run.fail(
    RuleBroken,
    `the program ended (${describeExit(run.exited!)}) at the first signal, ${signal}, while writer w0 had record w0-2 in hand: ` +
      `the first signal asks for a graceful stop (set the stop event; the writers finish and end; then the program ends by itself)`,
  );
}

describe("12-shutdown: daemon threads and graceful shutdown", () => {
  test("the program ends by itself when only the daemon heartbeat is left", async () => {
    const writers = 2;
    const records = 4;
    const run = await start({ writers, records, finish: true });
    await run.line("heartbeat started", "starting the heartbeat thread");
    for (const name of writerNames(writers))
      await run.line(`${name} done`, `writer ${name} writing its ${records} records, then ending`);
    await run.line(
      "main: serve() returned",
      "serve() resolving once both writers had ended (the heartbeat never ends: do not wait for it)",
      patienceMs(),
    );
    const exit = await run.exit(
      `serve() has returned, both writers have ended; only the heartbeat is left, and it loops for ever. A daemon ` +
        `thread must not keep the program alive (worker.unref()), so it should have ended by itself`,
    );
    await judgeRecords(run, "when the writers ended by themselves");
    await judgeServeAfterWriters(run, writers);
    const accepted = run.stdout.filter((line) => line.startsWith("accepted ")).length;
    if (accepted !== writers * records)
      throw await run.fail(RuleBroken, `the writers accepted ${accepted} records, not ${writers * records}`);
    if (exit.signal || exit.code !== 0)
      throw await run.fail(RuleBroken, `the program ended with ${describeExit(exit)}, not exit code 0`);
  });

  test("SIGTERM wakes the idle writers at once: exit 0, every accepted record in the file", async () => {
    const writers = 2;
    const run = await start({ writers, records: 3, finish: false });
    await run.line("heartbeat started", "starting the heartbeat thread");
    for (const name of writerNames(writers))
      await run.line(`${name} idle`, `writer ${name} writing its 3 records, then waiting for more work`);
    await untilAsleep(run, writerNames(writers));
    run.signal("SIGTERM");
    const exit = await run.exit(
      `after SIGTERM, with both writers asleep in stop.wait(${idleMs}) (they had said "idle"): the stop event must wake ` +
        `them at once (Atomics.notify), they flush and end, and then nothing may keep the program alive`,
    );
    await judgeGracefulExit(run, exit, "SIGTERM", writers);
  });

  test("SIGINT with a record in hand: the writer finishes it and flushes, then exit 0", async () => {
    const writers = 2;
    const run = await start({ writers, records: 5, finish: false, holdAt: "w0-2" });
    await run.line("heartbeat started", "starting the heartbeat thread");
    await run.line(
      "w0-2 half written",
      "writer w0 writing records w0-0, w0-1 and half of w0-2 (then the test holds its disk)",
    );
    await run.line("w1 idle", "writer w1 writing its 5 records, then waiting for more work");
    await untilAsleep(run, ["w0", "w1"]);
    run.signal("SIGINT");
    await untilStopSeen(run, "SIGINT");
    run.send("open the disk");
    const exit = await run.exit(
      `after SIGINT, with the disk open again: writer w0 finishes record w0-2, both writers flush and end, and then ` +
        `nothing may keep the program alive`,
    );
    await judgeGracefulExit(run, exit, "SIGINT", writers);
    if (run.printed("accepted w0-3"))
      throw await run.fail(
        RuleBroken,
        `writer w0 took record w0-3 after the stop event was set: it finishes the record in hand, and takes no more`,
      );
  });

  test("a second signal forces exit at once, with code 130", async () => {
    const run = await start({ writers: 2, records: 5, finish: false, holdAt: "w0-2" });
    await run.line("heartbeat started", "starting the heartbeat thread");
    await run.line(
      "w0-2 half written",
      "writer w0 writing records w0-0, w0-1 and half of w0-2 (then the test holds its disk)",
    );
    await run.line("w1 idle", "writer w1 writing its 5 records, then waiting for more work");
    await untilAsleep(run, ["w0", "w1"]);
    run.signal("SIGTERM");
    await untilStopSeen(run, "SIGTERM");
    // The disk stays held: w0 cannot finish, so only the second signal can end the program.
    run.signal("SIGINT");
    const exit = await run.exit(
      `a second signal (SIGINT after SIGTERM), with writer w0 stuck on a held disk: it must end the program at once (process.exit(130))`,
    );
    if (exit.code !== 130) {
      throw await run.fail(
        RuleBroken,
        `the second signal ended the program with ${describeExit(exit)}, not exit code 130 (128 + SIGINT's number, 2: what a shell reports after Ctrl-C)`,
      );
    }
  });
});
