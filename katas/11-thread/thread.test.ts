import { describe, test } from "vitest";
import { describeExit, kataProgram, type RunningProgram } from "#threadkata/child-program.ts";
import { RuleBroken } from "#threadkata/failures.ts";
import { kataSuite } from "#threadkata/suite.ts";
import type { ProgramOptions } from "./program.ts";
import type * as scenarios from "./thread.scenarios.ts";

const thread = kataSuite<typeof scenarios>("11-thread", new URL("./thread.scenarios.ts", import.meta.url));
const program = kataProgram("11-thread", new URL("./program.ts", import.meta.url));

describe("11-thread: Thread", () => {
  test("start() runs each target in its own thread; join() waits for it; then isAlive() is false", () =>
    thread.stress("startAndJoinMany"));
  test("join() does not resolve while the thread still runs", () => thread.stress("joinWaitsForTheEnd"));
  test("a second start() throws", () => thread.stress("startTwice"));
  test("join(timeout) returns on its timeout with the thread still alive", () => thread.stress("joinWithTimeout"));
  test("names and idents are unique and visible inside the thread (currentThread(), log())", () =>
    thread.stress("namesAndIdents"));
  test("enumerate() lists exactly the live threads, main first", () => thread.stress("enumerateLiveThreads"));
  test("an exception thrown in a thread reaches Thread.excepthook with its stack", () =>
    thread.stress("exceptionReachesHook"));
  test("a rejected promise of an async target reaches Thread.excepthook too", () =>
    thread.stress("rejectionReachesHook"));
  test('the default excepthook prints "Exception in thread NAME:" and the stack (or the value)', () =>
    thread.stress("defaultHookPrints"));
  test("join(0), a timeout counted from the call, join(timeout) at the thread's end, join() of an ended thread; join() before start() and of the current thread fail", () =>
    thread.stress("joinEdges"));
  test("whatever a target throws or rejects with reaches Thread.excepthook once, with its thread, excType and value", () =>
    thread.stress("everyThrownValueReachesHook"));
  test("inside a started thread: currentThread() is alive, has its daemon flag, and enumerate() starts with it", () =>
    thread.stress("insideAStartedThread"));
  test("a Thread without a target, a target's own messages, an error escaping the target, no args, the defaults", () =>
    thread.stress("rarerPaths"));
});

/** Runs program.ts (around your Thread) as a real child process, until its main code has returned. */
async function runUntilMainReturns(mode: ProgramOptions["mode"], threads: string): Promise<RunningProgram> {
  const run = await program.start({ mode } satisfies ProgramOptions);
  await run.line("main: threads running", `starting ${threads}`);
  await run.line(
    "main: returned",
    'the main code returning, once the threads were started (and, with a daemon, once "counter".join(60000) resolved at its end)',
  );
  return run;
}

/** What the program's process.on("exit") saw: whether each thread had finished its target. */
async function atExit(
  run: RunningProgram,
): Promise<{ nonDaemonDone: boolean; daemonArrived: boolean; daemonDone: boolean }> {
  const line = run.stdout.map((text) => /^exit: non-daemon done=(\d) daemon=(\d):(\d)$/.exec(text)).find(Boolean);
  if (!line)
    throw await run.fail(
      RuleBroken,
      `the program ended (${describeExit(run.exited!)}) without running its process.on("exit") handler: did something call process.exit() or crash it?`,
    );
  return { nonDaemonDone: line[1] === "1", daemonArrived: line[2] === "1", daemonDone: line[3] === "1" };
}

describe("11-thread: daemon threads and the end of the program", () => {
  test("a daemon thread does not keep the program alive: it ends by itself, exit code 0", async () => {
    const run = await runUntilMainReturns(
      "daemon",
      `a daemon thread (held at a gate nobody opens) and a non-daemon one ("counter")`,
    );
    if (!run.printed("main: counter joined, alive false")) {
      throw await run.fail(
        RuleBroken,
        `"counter".join(60000) resolved while "counter" was alive, or not at all: it resolves at the thread's end`,
      );
    }
    const exit = await run.exit(
      `the main code has returned (after "counter".join(60000), which its end cut short: no timer may be left behind) and the ` +
        `non-daemon thread "counter" has ended; only the daemon thread is left, ` +
        `held at its gate for ever. A daemon thread must not keep the program alive: worker.unref() it (and mind that Node ` +
        `refs a Worker again when its first "message" listener is attached: an unref() made before that is undone)`,
    );
    if (exit.signal || exit.code !== 0)
      throw await run.fail(
        RuleBroken,
        `with only a daemon thread left, the program ended with ${describeExit(exit)}, not exit code 0: it should simply end`,
      );
    const seen = await atExit(run);
    if (!seen.daemonArrived || seen.daemonDone)
      throw await run.fail(
        RuleBroken,
        `the daemon thread ${seen.daemonDone ? "finished its target" : "never ran its target"}, yet it was held at a gate nobody opens`,
      );
    if (!seen.nonDaemonDone) {
      throw await run.fail(
        RuleBroken,
        `the program ended before the non-daemon thread "counter" had finished its target: a thread that is not a daemon keeps the program alive until it ends (unref() only daemon threads)`,
      );
    }
  });

  test("a non-daemon thread that still runs keeps the program alive until it ends", async () => {
    const run = await runUntilMainReturns("non-daemon", `a non-daemon thread ("held", at a gate)`);
    const exit = await run.exit(
      `the main code has returned while the non-daemon thread "held" waits at its gate; a timer that cannot keep the ` +
        `program alive opens the gate, and then the thread ends and with it the program`,
    );
    const seen = await atExit(run);
    if (!run.printed("main: still alive") || !seen.nonDaemonDone) {
      throw await run.fail(
        RuleBroken,
        `the program ended (${describeExit(exit)}) as soon as its main code returned, while the non-daemon thread "held" was still ` +
          `running: a thread that is not a daemon keeps the program alive until it ends, as a Worker does unless it is unref()ed. ` +
          `unref() only daemon threads`,
      );
    }
    if (exit.signal || exit.code !== 0)
      throw await run.fail(
        RuleBroken,
        `once its only thread had ended, the program ended with ${describeExit(exit)}, not exit code 0`,
      );
  });
});
