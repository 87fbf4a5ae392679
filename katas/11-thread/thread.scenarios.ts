// The Thread kata's scenarios. One actor (a harness worker thread) plays the program's main thread:
// it creates, starts and joins real Threads, each a Worker nested in it. The targets are in jobs.ts.
// Every check is about order, never speed: a thread that must not end yet is held at a gate (a
// shared word only the actor opens), so it cannot end however fast or slow the machine is.

import { currentThread, enumerate, log, Thread, type ExceptHookArgs } from "#kata/11-thread/thread.ts";
import { rule, scenario, throws, type ActorContext, type SharedMemory } from "#threadkata/scenario.ts";
import { isDeepStrictEqual } from "node:util";
import { threadId } from "node:worker_threads";
import { readReport, reportWords, thrownCases, thrownValues } from "./jobs.ts";

const jobs = new URL("./jobs.ts", import.meta.url);
const slots = 8;

interface Shared {
  counter: Int32Array;
  done: Int32Array;
  arrived: Int32Array;
  gate: Int32Array;
  reports: Int32Array[];
}

function state(memory: SharedMemory): Shared {
  return {
    counter: memory.int32(slots),
    done: memory.int32(slots),
    arrived: memory.int32(slots),
    gate: memory.int32(slots),
    reports: Array.from({ length: slots }, () => memory.int32(reportWords)),
  };
}

function reset({ counter, done, arrived, gate, reports }: Shared): void {
  for (const words of [counter, done, arrived, gate, ...reports]) words.fill(0);
}

/** A thread held at gate[slot] until open(slot). */
function gated(shared: Shared, slot: number, name?: string): Thread {
  return new Thread({ target: [jobs, "waitAtGate"], args: [shared.arrived, shared.gate, shared.done, slot], name });
}

function open({ gate }: Shared, slot: number): void {
  Atomics.store(gate, slot, 1);
  Atomics.notify(gate, slot);
}

/** Waits (by order, not time) until the thread at `slot` is running its target. */
function untilArrived({ arrived }: Shared, slot: number, ctx: ActorContext, name: string): void {
  ctx.until(() => Atomics.load(arrived, slot) === 1, `${name} is running its target (it never started?)`);
}

/** Lets this thread's event loop turn a few times: Worker events, timers and resolved promises get their turn. */
async function turns(count = 5): Promise<void> {
  for (let i = 0; i < count; i++) await new Promise((resolve) => setImmediate(resolve));
}

function names(threads: Thread[]): string {
  return `[${threads.map((t) => t.name).join(", ")}]`;
}

export const startAndJoinMany = scenario<Shared>({
  proves:
    "start() runs the target in a new thread; join() resolves once it has ended, not before; then isAlive() is false",
  state,
  reset,
  repetitions: 4,
  actors: [
    async (shared, ctx) => {
      const { counter, done } = shared;
      const times = 1000 + ctx.repetition;
      const threads = Array.from(
        { length: 6 },
        (_, slot) => new Thread({ target: [jobs, "countTo"], args: [counter, done, slot, times] }),
      );
      for (const thread of threads) rule(!thread.isAlive(), `${thread.name}: isAlive() was true before start()`);
      ctx.at("start()");
      for (const thread of threads) {
        thread.start();
        rule(
          thread.isAlive(),
          `${thread.name}: isAlive() was false just after start(), before the thread could even begin`,
        );
      }
      for (const [slot, thread] of threads.entries()) {
        ctx.at(`${thread.name}.join()`);
        await thread.join();
        rule(
          Atomics.load(done, slot) === 1,
          `${thread.name}.join() resolved before its target had finished (it had counted ${Atomics.load(counter, slot)} of ${times})`,
        );
        rule(!thread.isAlive(), `${thread.name}: isAlive() was still true after join() resolved without a timeout`);
      }
      for (let slot = 0; slot < threads.length; slot++) {
        rule(
          Atomics.load(counter, slot) === times,
          `thread ${slot} counted ${Atomics.load(counter, slot)}, not ${times}: did each thread get its own arguments?`,
        );
      }
    },
  ],
});

export const joinWaitsForTheEnd = scenario<Shared>({
  proves: "join() does not resolve while the thread still runs",
  state,
  reset,
  repetitions: 4,
  actors: [
    async (shared, ctx) => {
      const thread = gated(shared, 0, "held");
      ctx.at("start()");
      thread.start();
      ctx.at("join()");
      let resolved = false;
      const joined = thread.join().then(() => (resolved = true));
      untilArrived(shared, 0, ctx, "held");
      await turns();
      rule(
        !resolved,
        `join() resolved while "held" was still running (it sleeps at a gate only the test opens): join must wait for the thread's end (the Worker's "exit" event)`,
      );
      rule(thread.isAlive(), `isAlive() was false while "held" was still running`);
      open(shared, 0);
      await joined;
      rule(Atomics.load(shared.done, 0) === 1, `join() resolved before the target had finished`);
      rule(!thread.isAlive(), `isAlive() was still true after join() resolved`);
    },
  ],
});

export const startTwice = scenario<Shared>({
  proves: "a thread can be started only once",
  state,
  reset,
  repetitions: 3,
  actors: [
    async (shared, ctx) => {
      const thread = gated(shared, 0, "once");
      ctx.at("start()");
      thread.start();
      ctx.at("start() again");
      rule(
        await fails(() => thread.start()),
        `a second start() of a running thread did not throw an Error that says why (Python: RuntimeError: threads can only be started once)`,
      );
      open(shared, 0);
      ctx.at("join()");
      await thread.join();
      rule(
        throws(() => thread.start()),
        `start() of a thread that has ended did not throw: a Thread runs once, make a new one to run again`,
      );
      rule(
        Atomics.load(shared.arrived, 0) === 1 && enumerate().length === 1,
        `a second start() ran the target again: ${names(enumerate())} are alive`,
      );
    },
  ],
});

export const joinWithTimeout = scenario<Shared>({
  proves:
    "join(timeout) returns once the timeout has passed, with the thread still alive; join() then waits for the end",
  state,
  reset,
  repetitions: 5,
  actors: [
    async (shared, ctx) => {
      const thread = gated(shared, 0, "sleeper");
      ctx.at("start()");
      thread.start();
      untilArrived(shared, 0, ctx, "sleeper");
      const timeout = 5 + Math.floor(ctx.random() * 20);
      ctx.at(`join(${timeout})`);
      const started = performance.now();
      await thread.join(timeout);
      const waited = performance.now() - started;
      rule(
        waited >= timeout - 1,
        `join(${timeout}) returned after ${waited.toFixed(1)} ms, before its timeout, with the thread still held at its gate`,
      );
      rule(
        thread.isAlive(),
        `after join(${timeout}) returned on its timeout, isAlive() said false, but "sleeper" was still held at its gate`,
      );
      rule(Atomics.load(shared.done, 0) === 0, `the thread ended while held at its gate?`);
      open(shared, 0);
      ctx.at("join()");
      await thread.join();
      rule(!thread.isAlive(), `after join() resolved, isAlive() was still true`);
      rule(Atomics.load(shared.done, 0) === 1, `join() resolved before the target had finished`);
    },
  ],
});

export const namesAndIdents = scenario<Shared>({
  proves: "names and idents are unique, and each thread sees its own through currentThread()",
  state,
  reset,
  repetitions: 3,
  actors: [
    async (shared, ctx) => {
      const main = currentThread();
      rule(
        main.name === "MainThread",
        `currentThread().name on the thread that runs the test was "${main.name}", not "MainThread"`,
      );
      rule(
        main.ident === threadId,
        `currentThread().ident on the main thread was ${main.ident}, not its threadId ${threadId}`,
      );
      rule(main.daemon === false, `currentThread().daemon on the main thread was ${main.daemon}, not false`);
      // log() writes with console.log unless logging.write is replaced: catch the line on its way.
      const printed: unknown[] = [];
      const print = console.log;
      console.log = (...args: unknown[]) => void printed.push(...args);
      let returned: string;
      try {
        returned = log("hello from main");
      } finally {
        console.log = print;
      }
      rule(
        printed.length === 1 && printed[0] === "[MainThread] hello from main" && returned === printed[0],
        `log("hello from main") on the main thread printed ${JSON.stringify(printed)} with console.log and returned ${JSON.stringify(returned)}: both should be "[MainThread] hello from main"`,
      );
      const given = ["reader", "writer"];
      const threads = [
        ...given.map((name, slot) => new Thread({ target: [jobs, "reportSelf"], args: [shared.reports[slot]], name })),
        ...[2, 3, 4].map((slot) => new Thread({ target: [jobs, "reportSelf"], args: [shared.reports[slot]] })),
      ];
      const defaults = threads.slice(2).map((t) => t.name);
      rule(
        new Set(defaults).size === 3 && defaults.every((n) => /^Thread-\d+$/.test(n)),
        `threads made without a name got the names ${JSON.stringify(defaults)}: each needs its own ("Thread-1", "Thread-2", ...)`,
      );
      for (const [slot, thread] of threads.entries()) {
        rule(
          thread.ident === undefined,
          `${thread.name}.ident was ${thread.ident} before start(): there is no thread yet`,
        );
        ctx.at(`${thread.name}.start()`);
        thread.start();
        rule(
          typeof thread.ident === "number",
          `${thread.name}.ident was ${thread.ident} after start(): it is the Worker's threadId`,
        );
        rule(
          slot < 2 ? thread.name === given[slot] : true,
          `a thread named "${given[slot]}" calls itself "${thread.name}"`,
        );
      }
      for (const thread of threads) {
        ctx.at(`${thread.name}.join()`);
        await thread.join();
      }
      const idents = new Set<number>([main.ident!]);
      for (const [slot, thread] of threads.entries()) {
        const [ident, name, line] = readReport(shared.reports[slot]!);
        rule(name === thread.name, `inside the thread "${thread.name}", currentThread().name was "${name}"`);
        rule(
          ident === thread.ident,
          `inside "${thread.name}" (ident ${thread.ident}), currentThread().ident was ${ident}`,
        );
        rule(
          line === `[${thread.name}] hello`,
          `log("hello") in "${thread.name}" wrote "${line}", not "[${thread.name}] hello"`,
        );
        rule(!idents.has(ident), `two threads have the ident ${ident}`);
        idents.add(ident);
      }
    },
  ],
});

export const enumerateLiveThreads = scenario<Shared>({
  proves: "enumerate() lists exactly the live threads, main first, at every step",
  state,
  reset,
  repetitions: 4,
  actors: [
    async (shared, ctx) => {
      const main = currentThread();
      const expect = (want: Thread[], when: string) => {
        const got = enumerate();
        const same = got.length === want.length && want.every((thread) => got.includes(thread));
        rule(same, `${when}, enumerate() gave ${names(got)}, not ${names(want)}`);
      };
      expect([main], "before any thread was started");
      const first = gated(shared, 0, "first");
      const second = gated(shared, 1, "second");
      expect([main], "after two Threads were created, not started");
      ctx.at("start()");
      first.start();
      expect([main, first], `after "first".start()`);
      second.start();
      expect([main, first, second], `after "second".start()`);
      untilArrived(shared, 0, ctx, "first");
      untilArrived(shared, 1, ctx, "second");
      await turns();
      expect([main, first, second], "while both were held at their gates");
      open(shared, 1);
      ctx.at(`"second".join()`);
      await second.join();
      expect([main, first], `after "second" ended`);
      open(shared, 0);
      ctx.at(`"first".join()`);
      await first.join();
      expect([main], "after both ended");
    },
  ],
});

function exceptionScenario(job: "failNow" | "failLater", how: string) {
  return scenario<Shared>({
    proves: `an exception that escapes a target ${how} reaches Thread.excepthook, in the thread that started it, before join() resolves`,
    state,
    reset,
    repetitions: 3,
    actors: [
      async (_shared, ctx) => {
        const calls: ExceptHookArgs[] = [];
        let aliveInHook = true;
        const saved = Thread.excepthook;
        Thread.excepthook = (args) => {
          calls.push(args);
          aliveInHook &&= args.thread.isAlive();
        };
        try {
          const message = `job ${ctx.repetition} failed`;
          const thread = new Thread({ target: [jobs, job], args: [message], name: "doomed" });
          ctx.at("start()");
          thread.start();
          ctx.at("join()");
          await thread.join();
          rule(
            !thread.isAlive(),
            `after its target ${how} and join() resolved, isAlive() was still true: a thread whose target failed has ended too`,
          );
          rule(
            calls.length > 0,
            `the target ${how} "${message}", but Thread.excepthook was never called${job === "failLater" ? " (an async target fails by rejecting its promise: await it)" : ""}`,
          );
          rule(calls.length === 1, `Thread.excepthook was called ${calls.length} times for one exception`);
          rule(
            aliveInHook,
            `excepthook ran after "doomed" was marked not alive: Python calls it while the thread still runs, before join() returns`,
          );
          const [{ thread: which, excType, excValue, excTraceback }] = calls as [ExceptHookArgs];
          rule(which === thread, `excepthook's args.thread was "${which?.name}", not the Thread object that failed`);
          rule(
            excType === "JobFailed",
            `excepthook's args.excType was "${excType}", not "JobFailed" (the error's name: a structured clone makes every custom error a plain Error, so send the name along)`,
          );
          rule(
            excValue instanceof Error && excValue.message === message,
            `excepthook's args.excValue was ${String(excValue)}, not the Error with the message "${message}"`,
          );
          rule(
            /failingStep/.test(excTraceback) && /jobs\.ts:\d+/.test(excTraceback),
            `excepthook's args.excTraceback does not show where the thread threw (failingStep in jobs.ts):\n${excTraceback}`,
          );
        } finally {
          Thread.excepthook = saved;
        }
      },
    ],
  });
}

export const exceptionReachesHook = exceptionScenario("failNow", "throws");
export const rejectionReachesHook = exceptionScenario("failLater", "rejects");

export const defaultHookPrints = scenario<Shared>({
  proves: `the default excepthook prints "Exception in thread NAME:" and the stack, and the program goes on`,
  state,
  reset,
  repetitions: 2,
  actors: [
    async (_shared, ctx) => {
      const printed: string[] = [];
      const saved = console.error;
      console.error = (...parts: unknown[]) => printed.push(parts.map(String).join(" "));
      try {
        const thread = new Thread({ target: [jobs, "failNow"], args: ["printed and survived"], name: "loud" });
        ctx.at("start()");
        thread.start();
        ctx.at("join()");
        await thread.join();
        const quiet = new Thread({ target: [jobs, "throwValue"], args: ["string", false], name: "quiet" });
        ctx.at(`"quiet".start() (it throws a string: no stack)`);
        quiet.start();
        await quiet.join();
      } finally {
        console.error = saved;
      }
      const all = printed.join("\n");
      const at = all.indexOf("Exception in thread quiet:");
      rule(
        at >= 0 && all.slice(at).includes("a string"),
        `for a thread that threw the string "a string" (no stack), the default excepthook printed ${JSON.stringify(all.slice(Math.max(0, at)).slice(0, 80))}: "Exception in thread quiet:" and the value`,
      );
      const text = (at >= 0 ? all.slice(0, at) : all).trimEnd();
      rule(
        text.startsWith("Exception in thread loud:"),
        `the default excepthook printed (console.error) ${JSON.stringify(text.slice(0, 80))}, not "Exception in thread loud:" first`,
      );
      rule(
        text.includes("printed and survived") && /failingStep/.test(text),
        `the default excepthook did not print the error and its stack:\n${text}`,
      );
    },
  ],
});

/**
 * Whether a call fails with an Error that says why (a message): it throws one, or returns a promise
 * that rejects with one within a few turns of the loop.
 */
async function fails(call: () => unknown, why = /./): Promise<boolean> {
  let result: unknown;
  try {
    result = call();
  } catch (error) {
    return saysWhy(error, why);
  }
  if (!(result instanceof Promise)) return false;
  let rejected: unknown;
  result.catch((error: unknown) => (rejected = error ?? "undefined"));
  await turns();
  return saysWhy(rejected, why);
}

function saysWhy(error: unknown, why: RegExp): boolean {
  // A stub's NotImplementedError is passed on, never taken for the failure a test expects.
  if (error instanceof Error && error.name === "NotImplementedError") throw error;
  return error instanceof Error && why.test(error.message);
}

export const joinEdges = scenario<Shared>({
  proves:
    "join(0) returns at once with the thread alive; a timeout counts from the call to join(); join(timeout) resolves at the thread's end, long before a long timeout; join() of an ended thread resolves at once; join() before start() and of the current thread fail",
  state,
  reset,
  repetitions: 2,
  actors: [
    async (shared, ctx) => {
      const thread = gated(shared, 0, "held");
      ctx.at("join() before start()");
      rule(
        await fails(() => thread.join(), /start/i),
        `join() of a thread not yet started did not fail with an Error that says it has not started (Python: RuntimeError: cannot join thread before it is started)`,
      );
      ctx.at("currentThread().join()");
      rule(
        await fails(() => currentThread().join(), /current/i),
        `currentThread().join() did not fail with an Error that says it is the current thread: a thread that waits for its own end waits for ever (Python: RuntimeError: cannot join current thread)`,
      );
      const startedAt = performance.now();
      ctx.at("start()");
      thread.start();
      untilArrived(shared, 0, ctx, "held");
      ctx.at("join(0)");
      await thread.join(0);
      rule(thread.isAlive(), `join(0) returned and isAlive() was false, but "held" was still at its gate`);
      // Let more time pass since start() than the timeout below: it must count from the call.
      const timeout = 30;
      ctx.at(`letting ${timeout + 10} ms pass since start()`);
      while (performance.now() - startedAt < timeout + 10) await new Promise((resolve) => setTimeout(resolve, 5));
      ctx.at(`join(${timeout})`);
      const called = performance.now();
      await thread.join(timeout);
      const waited = performance.now() - called;
      rule(
        waited >= timeout - 1,
        `join(${timeout}) returned ${waited.toFixed(1)} ms after it was called, ${(performance.now() - startedAt).toFixed(0)} ms after start(): a timeout counts from the call to join(), not from start()`,
      );
      rule(
        thread.isAlive(),
        `after join(${timeout}) returned on its timeout, isAlive() was false, but "held" was still at its gate`,
      );
      ctx.at("join(60000) of a thread that the test lets go (it must resolve at the thread's end, not at the timeout)");
      const joined = thread.join(60_000);
      open(shared, 0);
      await joined;
      rule(!thread.isAlive() && Atomics.load(shared.done, 0) === 1, `join(60000) resolved before "held" had ended`);
      ctx.at("join() of a thread that has ended");
      await thread.join();
      ctx.at("join(60000) of a thread that has ended");
      await thread.join(60_000);
      rule(!thread.isAlive(), `isAlive() was true after the thread had ended`);
    },
  ],
});

export const everyThrownValueReachesHook = scenario<Shared>({
  proves:
    "whatever a target throws or rejects with reaches Thread.excepthook once, with its own thread, excType (the Error's name, or typeof the value) and the value; several threads failing at once each report their own",
  state,
  reset,
  // Three or two threads per repetition: the harness's deadline counts from one repetition to the
  // next, and eleven threads starting at once on a loaded machine could take longer than it.
  repetitions: Math.ceil(thrownCases.length / 3),
  actors: [
    async (_shared, ctx) => {
      const cases = thrownCases.slice((ctx.repetition % Math.ceil(thrownCases.length / 3)) * 3).slice(0, 3);
      const calls: ExceptHookArgs[] = [];
      const saved = Thread.excepthook;
      Thread.excepthook = (args) => calls.push(args);
      try {
        const threads = cases.map(
          ([kind, later]) =>
            new Thread({
              target: [jobs, "throwValue"],
              args: [kind, later],
              name: `${later ? "rejects" : "throws"} ${kind}`,
            }),
        );
        ctx.at(`start() ${threads.length} failing threads at once`);
        for (const thread of threads) thread.start();
        for (const thread of threads) {
          ctx.at(`"${thread.name}".join()`);
          await thread.join();
        }
      } finally {
        Thread.excepthook = saved;
      }
      for (const [kind, later] of cases) {
        const name = `${later ? "rejects" : "throws"} ${kind}`;
        const thrown = thrownValues[kind]();
        const mine = calls.filter((args) => args.thread?.name === name);
        rule(
          mine.length === 1,
          `the thread "${name}" ${later ? "rejected with" : "threw"} ${String(thrown)}; Thread.excepthook was called ${mine.length} times for it, not once (${calls.length} calls for ${cases.length} threads failing at once)`,
        );
        const [{ excType, excValue, excTraceback }] = mine as [ExceptHookArgs];
        const wantType = thrown instanceof Error ? thrown.name : typeof thrown;
        rule(
          excType === wantType,
          `the thread "${name}": excepthook's args.excType was "${excType}", not "${wantType}" (the Error's name, or typeof the value when it is no Error)`,
        );
        if (thrown instanceof Error) {
          rule(
            excValue instanceof Error && excValue.message === thrown.message,
            `the thread "${name}": excepthook's args.excValue was ${String(excValue)}, not the Error "${thrown.message}"`,
          );
          rule(
            /thrown-values\.ts:\d+/.test(excTraceback),
            `the thread "${name}": excepthook's args.excTraceback does not show where the error was made (toolkit/thrown-values.ts):\n${excTraceback}`,
          );
        } else {
          rule(
            isDeepStrictEqual(excValue, thrown),
            `the thread "${name}": excepthook's args.excValue was ${JSON.stringify(excValue)}, not the value thrown, ${JSON.stringify(thrown)}`,
          );
          rule(
            excTraceback === "",
            `the thread "${name}" threw a value with no stack, and excepthook's args.excTraceback was ${JSON.stringify(excTraceback)}, not ""`,
          );
        }
      }
    },
  ],
});

export const insideAStartedThread = scenario<Shared>({
  proves:
    "inside a started thread, currentThread() is alive and has the thread's daemon flag, and enumerate() starts with it",
  state,
  reset,
  repetitions: 1,
  actors: [
    async (shared, ctx) => {
      for (const [slot, daemon] of [
        [0, true],
        [1, false],
      ] as const) {
        const words = shared.reports[slot]!;
        const thread = new Thread({
          target: [jobs, "reportWorld"],
          args: [words],
          name: daemon ? "a daemon" : "not a daemon",
          daemon,
        });
        rule(thread.daemon === daemon, `new Thread({ daemon: ${daemon} }).daemon was ${thread.daemon}`);
        ctx.at(`"${thread.name}".start()`);
        thread.start();
        ctx.at(`"${thread.name}".join()`);
        await thread.join();
        rule(Atomics.load(words, 4) === 1, `the target of "${thread.name}" never ran`);
        rule(
          Atomics.load(words, 1) === 1,
          `inside "${thread.name}", enumerate() did not start with currentThread() (it listed ${Atomics.load(words, 0)} threads)`,
        );
        rule(
          Atomics.load(words, 0) === 1,
          `inside "${thread.name}", which started no thread, enumerate() listed ${Atomics.load(words, 0)} threads, not 1 (itself)`,
        );
        rule(
          Atomics.load(words, 2) === (daemon ? 1 : 0),
          `inside "${thread.name}", currentThread().daemon was ${!daemon}`,
        );
        rule(
          Atomics.load(words, 3) === 1,
          `inside "${thread.name}", currentThread().isAlive() was false: the thread is running`,
        );
      }
    },
  ],
});

export const rarerPaths = scenario<Shared>({
  proves:
    'a Thread without a target runs nothing and ends; a target\'s own parentPort messages are no exceptions; an error that escapes the target (from a timer) reaches the hook; an Error with no stack reaches it with excTraceback ""; a thread made without args calls its target with none; defaults: daemon false, name Thread-N',
  state,
  reset,
  repetitions: 1,
  actors: [
    async (_shared, ctx) => {
      const calls: ExceptHookArgs[] = [];
      const saved = Thread.excepthook;
      Thread.excepthook = (args) => calls.push(args);
      try {
        const idle = new Thread();
        rule(idle.daemon === false, `new Thread().daemon was ${String(idle.daemon)}, not false`);
        rule(/^Thread-\d+$/.test(idle.name), `new Thread().name was "${idle.name}", not "Thread-N"`);
        ctx.at("start() of a Thread without a target");
        idle.start();
        ctx.at("join() of a Thread without a target");
        await idle.join();
        rule(
          !idle.isAlive() && !enumerate().includes(idle),
          `a Thread without a target had not ended after join() (Python's Thread() runs nothing): isAlive() ${idle.isAlive()}`,
        );
        rule(
          throws(() => idle.start()),
          `a second start() of a Thread without a target did not throw`,
        );

        const chatty = new Thread({ target: [jobs, "postsToParent"], name: "chatty" });
        ctx.at(`"chatty".start()`);
        chatty.start();
        ctx.at(`"chatty".join()`);
        await chatty.join();
        rule(
          calls.length === 0,
          `a target that posted its own messages (null, "a string", { threadkata: "hello" }, { note }) to parentPort and returned made excepthook run ${calls.length} times: only an exception reaches the hook`,
        );

        const message = `escaped ${ctx.repetition}`;
        const escaping = new Thread({ target: [jobs, "throwUncaught"], args: [message], name: "escaping" });
        ctx.at(`"escaping".start()`);
        escaping.start();
        ctx.at(`"escaping".join() (its target throws from a timer, after it returned)`);
        await escaping.join();
        const escaped = calls.filter((args) => args.thread === escaping);
        rule(
          escaped.length === 1,
          `a target's timer threw JobFailed("${message}") after the target had returned (the error escapes bootstrap: the Worker's "error" event); excepthook ran ${escaped.length} times for it, not once`,
        );
        rule(
          escaped[0]!.excType === "JobFailed" &&
            escaped[0]!.excValue instanceof Error &&
            escaped[0]!.excValue.message === message,
          `for an error that escaped the target, excepthook got excType "${escaped[0]!.excType}" and ${String(escaped[0]!.excValue)}`,
        );
        rule(!escaping.isAlive(), `"escaping" was alive after join() resolved`);

        const stackless = new Thread({ target: [jobs, "failWithoutStack"], args: [message], name: "stackless" });
        ctx.at(`"stackless".start()`);
        stackless.start();
        ctx.at(`"stackless".join() (its target throws an Error whose stack was deleted)`);
        await stackless.join();
        const stacklessCalls = calls.filter((args) => args.thread === stackless);
        rule(
          stacklessCalls.length === 1 && stacklessCalls[0]!.excType === "JobFailed",
          `a target threw an Error with no stack; excepthook ran ${stacklessCalls.length} times for it (excType ${JSON.stringify(stacklessCalls[0]?.excType)}), not once with "JobFailed"`,
        );
        rule(
          stacklessCalls[0]!.excTraceback === "",
          `a target threw an Error with no stack, and excepthook's args.excTraceback was ${JSON.stringify(stacklessCalls[0]!.excTraceback)}, not ""`,
        );

        const bare = new Thread({ target: [jobs, "failWithArgumentCount"], name: "bare" });
        ctx.at(`"bare".start()`);
        bare.start();
        ctx.at(`"bare".join()`);
        await bare.join();
        const bareCalls = calls.filter((args) => args.thread === bare);
        const got =
          bareCalls[0]?.excValue instanceof Error ? bareCalls[0].excValue.message : String(bareCalls[0]?.excValue);
        rule(
          bareCalls.length === 1 && got === "called with 0 arguments",
          `a Thread made without args ran its target and got ${got}, not "called with 0 arguments" (args defaults to [])`,
        );
      } finally {
        Thread.excepthook = saved;
      }
    },
  ],
});
