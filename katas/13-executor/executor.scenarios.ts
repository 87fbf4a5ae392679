// The executor kata's scenarios. One actor (a harness worker thread) plays the program: it makes
// Futures, and ThreadPoolExecutors whose workers are Workers nested in it. The tasks are in tasks.ts.
// Every check is about order, never speed: a task the tests need running is held at a gate (a word
// of the shared "board" that only the test opens), so it cannot finish however fast or slow the
// machine is. Timeouts are checked from below only ("not before").

import {
  ALL_COMPLETED,
  asCompleted,
  FIRST_COMPLETED,
  FIRST_EXCEPTION,
  Future,
  wait,
} from "#kata/13-executor/future.ts";
import { ThreadPoolExecutor, type ExecutorOptions } from "#kata/13-executor/executor.ts";
import { rule, scenario, throws, type ActorContext, type SharedMemory } from "#threadkata/scenario.ts";
import { liveTaskWorkers } from "#toolkit/task-worker.ts";
import os from "node:os";
import { threadId } from "node:worker_threads";

const tasks = new URL("./tasks.ts", import.meta.url);
const inc = [tasks, "inc"] as const;
const incLater = [tasks, "incLater"] as const;
const incOrFail = [tasks, "incOrFail"] as const;
const whoAmI = [tasks, "whoAmI"] as const;
const held = [tasks, "held"] as const;
const heldJob = [tasks, "heldJob"] as const;
const busy = [tasks, "busy"] as const;
const mark = [tasks, "mark"] as const;
const failNow = [tasks, "failNow"] as const;
const failLater = [tasks, "failLater"] as const;
const throwValue = [tasks, "throwValue"] as const;
const typeErrorNow = [tasks, "typeErrorNow"] as const;
const throwRange = [tasks, "throwRange"] as const;
const exitNow = [tasks, "exitNow"] as const;
const exhaustMemory = [tasks, "exhaustMemory"] as const;
const setup = [tasks, "setup"] as const;
const readSetup = [tasks, "readSetup"] as const;
const failSetup = [tasks, "failSetup"] as const;
const setupArgs = [tasks, "setupArgs"] as const;
const throwBuiltin = [tasks, "throwBuiltin"] as const;
const failLegacy = [tasks, "failLegacy"] as const;
const returnFunction = [tasks, "returnFunction"] as const;

const slots = 64;

/** The board tasks.ts reads: arrived, gate, done (a word per slot each), then the inside counter. */
interface Shared {
  board: Int32Array;
}

function state(memory: SharedMemory): Shared {
  return { board: memory.int32(4 * slots) };
}

function reset({ board }: Shared): void {
  board.fill(0);
}

const arrived = (board: Int32Array, slot: number) => Atomics.load(board, slot);
const finished = (board: Int32Array, slot: number) => Atomics.load(board, 2 * slots + slot) === 1;
const mostInside = (board: Int32Array) => Atomics.load(board, 3 * slots + 1);
const totalArrived = (board: Int32Array) => {
  let sum = 0;
  for (let slot = 0; slot < slots; slot++) sum += arrived(board, slot);
  return sum;
};

function open(board: Int32Array, slot: number): void {
  Atomics.store(board, slots + slot, 1);
  Atomics.notify(board, slots + slot);
}

function openAll(board: Int32Array): void {
  for (let slot = 0; slot < slots; slot++) open(board, slot);
}

/** Lets this thread's event loop turn a few times: messages from workers, timers, promises. */
async function turns(count = 5): Promise<void> {
  for (let i = 0; i < count; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** Waits, letting the event loop run, until `condition` holds; the harness's deadline ends a wait that never does. */
async function eventually(ctx: ActorContext, what: string, condition: () => boolean): Promise<void> {
  ctx.at(`waiting until ${what}`);
  for (let round = 0; !condition(); round++) {
    await new Promise((resolve) => (round < 50 ? setImmediate(resolve) : setTimeout(resolve, 1)));
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Whether a promise has settled yet, and how. */
function track<T>(promise: Promise<T>): { settled: boolean; value?: T; error?: unknown } {
  const seen: { settled: boolean; value?: T; error?: unknown } = { settled: false };
  promise.then(
    (value) => Object.assign(seen, { settled: true, value }),
    (error: unknown) => Object.assign(seen, { settled: true, error }),
  );
  return seen;
}

/** What a promise rejects with (or "resolved: value" if it does not). */
async function rejection(promise: PromiseLike<unknown>): Promise<unknown> {
  try {
    return `resolved: ${JSON.stringify(await promise)}`;
  } catch (error) {
    if (stillStub(error)) throw error;
    return error;
  }
}

/** What a call throws (undefined if it returns). */
function thrownBy(call: () => unknown): unknown {
  try {
    call();
  } catch (error) {
    if (stillStub(error)) throw error;
    return error;
  }
  return undefined;
}

/** How many timers this thread's event loop has: one left behind keeps a program alive till it fires. */
const liveTimers = () => process.getActiveResourcesInfo().filter((kind) => kind === "Timeout").length;

/** A stub's NotImplementedError is passed on, never taken for the failure a test expects. */
const stillStub = (error: unknown) => error instanceof Error && error.name === "NotImplementedError";

const nameOf = (error: unknown) => (error instanceof Error ? error.name : `${typeof error} ${JSON.stringify(error)}`);

/** Runs `body` with a new executor; whatever happens, opens every gate and shuts it down (again,
 *  if `body` did: as in Python, a second shutdown() is harmless). */
async function withPool(
  ctx: ActorContext,
  shared: Shared,
  options: ExecutorOptions,
  body: (executor: ThreadPoolExecutor) => Promise<void>,
): Promise<void> {
  const executor = new ThreadPoolExecutor(options);
  let failed = true;
  try {
    await body(executor);
    failed = false;
  } finally {
    openAll(shared.board);
    if (failed) {
      try {
        void executor.shutdown({ wait: false, cancelFutures: true }).catch(() => {});
      } catch {
        // the failure that got us here is the one to report
      }
    }
  }
  ctx.at("shutdown() at the end of the test: waiting for the pool's threads to finish and exit");
  await executor.shutdown();
}

/** Names a wait for results: if it never ends, the pool's threads are where to look, not submit(). */
function awaitingPool(ctx: ActorContext, what: string): void {
  ctx.at(`awaiting ${what}: run on the pool's threads (is one stuck? was one started?)`);
}

// ---------------------------------------------------------------- 1 Future

export const futureResult = scenario<Shared>({
  proves:
    "result() waits for setResult(); done() turns true; a Future is awaitable; exception() is undefined after a result",
  state,
  reset,
  repetitions: 3,
  actors: [
    async (_shared, ctx) => {
      const future = new Future<number>();
      rule(
        !future.done() && !future.running() && !future.cancelled(),
        `a new Future said done() ${future.done()}, running() ${future.running()}, cancelled() ${future.cancelled()}: it is pending`,
      );
      ctx.at("result()");
      const waiting = track(future.result());
      const awaited = track((async () => await future)());
      await turns();
      rule(!waiting.settled, `result() settled before setResult() was called`);
      rule(future.setRunningOrNotifyCancel(), `setRunningOrNotifyCancel() on a pending future returned false`);
      rule(
        future.running() && !future.done(),
        `after setRunningOrNotifyCancel(), running() was ${future.running()} and done() ${future.done()}`,
      );
      ctx.at("setResult(42)");
      future.setResult(42);
      rule(
        future.done() && !future.running(),
        `after setResult(), done() was ${future.done()} and running() ${future.running()}`,
      );
      await turns();
      rule(
        waiting.settled && waiting.value === 42,
        `result() gave ${waiting.settled ? `${String(waiting.value)}${waiting.error ? ` (rejected: ${String(waiting.error)})` : ""}` : "nothing yet"} after setResult(42)`,
      );
      rule(
        awaited.settled && awaited.value === 42,
        `\`await future\` gave ${awaited.settled ? String(awaited.value) : "nothing yet"}, not 42: a Future is awaitable (then() is result().then())`,
      );
      rule((await future.result()) === 42, `result() of a finished future did not give its value`);
      rule((await future.exception()) === undefined, `exception() of a future that returned was not undefined`);
      const refusal = thrownBy(() => future.setResult(1));
      rule(
        nameOf(refusal) === "InvalidStateError" && /finished|returned/i.test((refusal as Error).message),
        `setResult() on a finished future gave ${refusal === undefined ? "no error" : `${nameOf(refusal)}: ${String((refusal as Error).message)}`}, not an InvalidStateError saying the future is finished`,
      );
      rule((await future.result()) === 42, `a second setResult() changed the result`);
    },
  ],
});

export const futureException = scenario<Shared>({
  proves: "setException(e): result() rejects with e itself, exception() resolves with e",
  state,
  reset,
  repetitions: 3,
  actors: [
    async (_shared, ctx) => {
      const future = new Future<number>();
      ctx.at("exception()");
      const caught = track(future.exception());
      const result = track(future.result());
      const error = new RangeError(`failure ${ctx.repetition}`);
      future.setException(error);
      await turns();
      rule(future.done(), `done() was false after setException()`);
      rule(
        caught.settled && caught.value === error,
        `exception() gave ${String(caught.value ?? caught.error)}, not the error that was set`,
      );
      rule(
        result.settled && result.error === error,
        `result() ${result.error ? `rejected with ${String(result.error)}` : "did not reject"}: it must reject with the very error that was set`,
      );
      rule((await rejection(future)) === error, `\`await future\` did not reject with the error`);
    },
  ],
});

export const futureTimeout = scenario<Shared>({
  proves:
    "result(timeout) and exception(timeout) reject with TimeoutError, not before the timeout; the future stays pending",
  state,
  reset,
  repetitions: 3,
  actors: [
    async (_shared, ctx) => {
      const timers = liveTimers();
      const future = new Future<string>();
      const timeout = 5 + Math.floor(ctx.random() * 15);
      for (const call of ["result", "exception"] as const) {
        ctx.at(`${call}(${timeout})`);
        const started = performance.now();
        const error = await rejection(future[call](timeout));
        const waited = performance.now() - started;
        rule(
          nameOf(error) === "TimeoutError" && (error as Error).message !== "",
          `${call}(${timeout}) on a pending future gave ${nameOf(error)}${error instanceof Error && error.message === "" ? " with no message" : ""}, not a TimeoutError saying what timed out`,
        );
        rule(waited >= timeout - 1, `${call}(${timeout}) timed out after ${waited.toFixed(1)} ms, before its timeout`);
        rule(
          !future.done(),
          `the future was done after ${call}(${timeout}) timed out: a timeout changes nothing in the future`,
        );
      }
      const later = track(future.result(10_000));
      future.setResult("late");
      await turns();
      rule(later.settled && later.value === "late", `result(10000) did not resolve as soon as setResult() was called`);
      rule(
        liveTimers() === timers,
        `result(10000) resolved, but left ${liveTimers() - timers} timer(s) running: clear the timeout's timer when the future is done first (a timer left behind keeps a program alive until it fires)`,
      );
      rule((await future.result(0)) === "late", `result(0) of a finished future did not give its value at once`);
    },
  ],
});

export const futureCancel = scenario<Shared>({
  proves:
    "cancel() succeeds only while pending; a cancelled future is done, and result()/exception() reject with CancelledError",
  state,
  reset,
  repetitions: 3,
  actors: [
    async (_shared, ctx) => {
      const pending = new Future<number>();
      const waiter = track(pending.result());
      ctx.at("cancel() of a pending future");
      rule(pending.cancel(), `cancel() of a pending future returned false`);
      rule(
        pending.cancelled() && pending.done() && !pending.running(),
        `after cancel(): cancelled() ${pending.cancelled()}, done() ${pending.done()}, running() ${pending.running()}`,
      );
      rule(pending.cancel(), `a second cancel() returned false: it is cancelled, so true (as in Python)`);
      await turns();
      rule(
        waiter.settled && nameOf(waiter.error) === "CancelledError",
        `a result() waiting before cancel() ${waiter.settled ? `gave ${nameOf(waiter.error ?? waiter.value)}` : "never settled"}, not CancelledError`,
      );
      rule(
        nameOf(await rejection(pending.result())) === "CancelledError",
        `result() of a cancelled future did not reject with CancelledError`,
      );
      rule(
        nameOf(await rejection(pending.exception())) === "CancelledError",
        `exception() of a cancelled future did not reject with CancelledError`,
      );
      rule(
        !pending.setRunningOrNotifyCancel(),
        `setRunningOrNotifyCancel() of a cancelled future returned true: the executor must not run it`,
      );

      const running = new Future<number>();
      running.setRunningOrNotifyCancel();
      ctx.at("cancel() of a running future");
      rule(
        !running.cancel(),
        `cancel() of a running future returned true: a call that has started cannot be cancelled`,
      );
      rule(
        running.running() && !running.cancelled(),
        `after a refused cancel(), running() ${running.running()}, cancelled() ${running.cancelled()}`,
      );
      running.setResult(7);
      rule(!running.cancel() && !running.cancelled(), `cancel() of a finished future returned true`);
      rule((await running.result()) === 7, `result() after a refused cancel() did not give the value`);
    },
  ],
});

export const futureCallbacks = scenario<Shared>({
  proves:
    "done callbacks run once each, in order, with the future; at once if already done; a throwing callback is reported, not thrown",
  state,
  reset,
  repetitions: 3,
  actors: [
    async (_shared, ctx) => {
      const calls: string[] = [];
      const reported: unknown[] = [];
      const saved = Future.reportCallbackError;
      Future.reportCallbackError = (error) => reported.push(error);
      try {
        const future = new Future<number>();
        const boom = new Error("callback failed");
        future.addDoneCallback((f) => calls.push(`first:${f === future}`));
        future.addDoneCallback(() => {
          calls.push("second");
          throw boom;
        });
        future.addDoneCallback(() => calls.push("third"));
        await turns();
        rule(calls.join() === "", `callbacks ran before the future was done: ${calls.join(", ")}`);
        ctx.at("setResult()");
        rule(
          !throws(() => future.setResult(1)),
          `setResult() threw the callback's exception: report it (Future.reportCallbackError), never throw it into the caller`,
        );
        await turns();
        rule(
          calls.join(",") === "first:true,second,third",
          `the callbacks ran as [${calls.join(", ")}], not [first:true, second, third]: once each, in the order added, with the future`,
        );
        rule(
          reported.length === 1 && reported[0] === boom,
          `the callback's exception was reported ${reported.length} times (Future.reportCallbackError), not once`,
        );
        ctx.at("addDoneCallback() on a done future");
        let late = false as boolean;
        future.addDoneCallback(() => (late = true));
        rule(late, `a callback added to a done future did not run at once`);
        rule(calls.length === 3, `callbacks ran again: ${calls.join(", ")}`);

        const cancelled = new Future<number>();
        let sawCancel = false as boolean;
        cancelled.addDoneCallback((f) => (sawCancel = f.cancelled()));
        cancelled.cancel();
        rule(sawCancel, `cancel() did not run the done callbacks (or they saw cancelled() false)`);
      } finally {
        Future.reportCallbackError = saved;
      }
    },
  ],
});

export const futureEdges = scenario<Shared>({
  proves:
    "result(0) and exception(0) of a pending future time out at once; a result() waiting with a timeout rejects with the exception set before it; exception(timeout) gives it; callbacks run after setException(); setException() on a done future throws; setRunningOrNotifyCancel() of a running or finished future throws",
  state,
  reset,
  repetitions: 3,
  actors: [
    async (_shared, ctx) => {
      const timers = liveTimers();
      const future = new Future<number>();
      for (const call of ["result", "exception"] as const) {
        ctx.at(`${call}(0) of a pending future`);
        const error = await rejection(future[call](0));
        rule(
          nameOf(error) === "TimeoutError",
          `${call}(0) of a pending future gave ${nameOf(error)}, not a TimeoutError: a timeout of 0 means "do not wait"`,
        );
      }
      rule(!future.done(), `the future was done after result(0) timed out`);
      const waiting = track(future.result(10_000));
      const caught = track(future.exception(10_000));
      let called = 0;
      future.addDoneCallback((f) => (called += f.done() ? 1 : 100));
      const error = new RangeError(`out of range ${ctx.repetition}`);
      ctx.at("setException()");
      future.setException(error);
      await turns();
      rule(
        waiting.settled && waiting.error === error,
        `result(10000), waiting when setException() was called, ${waiting.settled ? `gave ${nameOf(waiting.error ?? waiting.value)}` : "never settled"}, not the exception at once`,
      );
      rule(
        caught.settled && caught.value === error,
        `exception(10000), waiting when setException() was called, ${caught.settled ? `gave ${nameOf(caught.value ?? caught.error)}` : "never settled"}, not the exception`,
      );
      rule(
        called === 1,
        `a done callback ran ${called === 0 ? "not at all" : called >= 100 ? "while done() was false" : `${called} times`} after setException()`,
      );
      rule(
        liveTimers() === timers,
        `result(10000) and exception(10000) settled, but left ${liveTimers() - timers} timer(s) running: clear a timeout's timer when the future is done first`,
      );
      rule(
        throws(() => future.setException(new Error("again"))),
        `setException() on a done future did not throw (Python: InvalidStateError)`,
      );
      rule(
        throws(() => future.setResult(1)),
        `setResult() on a future done with an exception did not throw (Python: InvalidStateError)`,
      );
      rule((await future.exception(0)) === error, `exception(0) of a failed future did not give its exception at once`);
      const refusal = (error: unknown) =>
        error === undefined ? "no error" : `${nameOf(error)}: ${String((error as Error).message)}`;
      const finishedRefusal = thrownBy(() => future.setRunningOrNotifyCancel());
      rule(
        nameOf(finishedRefusal) === "InvalidStateError" && /finished|raised/i.test((finishedRefusal as Error).message),
        `setRunningOrNotifyCancel() of a finished future gave ${refusal(finishedRefusal)}, not an InvalidStateError saying it is finished: only a pending future can start running`,
      );
      const running = new Future<number>();
      rule(running.setRunningOrNotifyCancel(), `setRunningOrNotifyCancel() of a pending future returned false`);
      const runningRefusal = thrownBy(() => running.setRunningOrNotifyCancel());
      rule(
        nameOf(runningRefusal) === "InvalidStateError" && /running/i.test((runningRefusal as Error).message),
        `a second setRunningOrNotifyCancel() gave ${refusal(runningRefusal)}, not an InvalidStateError saying the future is running already`,
      );
    },
  ],
});

export const futureStrings = scenario<Shared>({
  proves:
    "String(future) says its state, as Python's repr does; the default Future.reportCallbackError logs a callback's exception with console.error, naming the future",
  state,
  reset,
  repetitions: 2,
  actors: [
    async (_shared, ctx) => {
      ctx.at("String(future) in each state");
      const future = new Future<number>();
      const seen = [String(future)];
      future.setRunningOrNotifyCancel();
      seen.push(String(future));
      future.setResult(1);
      seen.push(String(future));
      const failed = new Future<number>();
      failed.setException(new Error("no"));
      seen.push(String(failed));
      const cancelled = new Future<number>();
      cancelled.cancel();
      seen.push(String(cancelled));
      const expected = [
        "<Future state=pending>",
        "<Future state=running>",
        "<Future state=finished returned>",
        "<Future state=finished raised>",
        "<Future state=cancelled>",
      ];
      rule(
        seen.join() === expected.join(),
        `String(future) gave ${seen.map((text) => JSON.stringify(text)).join(", ")}, not ${expected.map((text) => JSON.stringify(text)).join(", ")}`,
      );

      ctx.at("a callback that throws, with the default Future.reportCallbackError");
      const logged: unknown[][] = [];
      const log = console.error;
      console.error = (...args: unknown[]) => void logged.push(args);
      const boom = new Error(`callback failed ${ctx.repetition}`);
      const watched = new Future<number>();
      try {
        watched.addDoneCallback(() => {
          throw boom;
        });
        watched.setResult(7);
      } finally {
        console.error = log;
      }
      rule(
        logged.length === 1 &&
          logged[0]!.includes(boom) &&
          logged[0]!.some((part) => typeof part === "string" && part.includes("<Future state=finished returned>")),
        `the default Future.reportCallbackError logged ${logged.length} times (${logged.map((args) => args.map(String).join(" ")).join(" | ")}): once, with console.error, the exception and the future it came from`,
      );
    },
  ],
});

// ---------------------------------------------------------------- 2 dispatch

export const manyTasks = scenario<Shared>({
  proves: "thousands of tasks, more than workers: each future gets its own task's result",
  state,
  reset,
  repetitions: 2,
  actors: [
    async (shared, ctx) => {
      await withPool(ctx, shared, { maxWorkers: 3 }, async (executor) => {
        const count = 3000 + ctx.repetition;
        ctx.at(`submit() ${count} tasks`);
        const futures = Array.from({ length: count }, (_, i) =>
          executor.submit<number>(i % 10 === 0 ? incLater : inc, i),
        );
        ctx.at("result() of each");
        for (const [i, future] of futures.entries()) {
          const value = await future.result();
          rule(value === i + 1, `the future of task ${i} (inc(${i})) gave ${String(value)}, not ${i + 1}`);
        }
        ctx.at("await executor.submit(...)");
        rule((await executor.submit<number>(inc, 41)) === 42, `\`await executor.submit(inc, 41)\` did not give 42`);
      });
    },
  ],
});

export const boundedConcurrency = scenario<Shared>({
  proves: "never more than maxWorkers tasks run at once; the others wait, pending, and run when a worker is free",
  state,
  reset,
  repetitions: 3,
  actors: [
    async (shared, ctx) => {
      const { board } = shared;
      const maxWorkers = 2 + (ctx.repetition % 2);
      const count = 3 * maxWorkers;
      await withPool(ctx, shared, { maxWorkers }, async (executor) => {
        ctx.at("submit()");
        const futures = Array.from({ length: count }, (_, slot) => executor.submit<number>(held, board, slot));
        await eventually(ctx, `${maxWorkers} tasks are running`, () => totalArrived(board) >= maxWorkers);
        await turns();
        const started = totalArrived(board);
        rule(started === maxWorkers, `${started} tasks started at once with maxWorkers ${maxWorkers}`);
        const running = futures.filter((f) => f.running()).length;
        rule(
          running === maxWorkers,
          `running() was true for ${running} futures while ${maxWorkers} tasks ran (held at their gates) and ${count - maxWorkers} waited`,
        );
        rule(
          futures.every((f) => !f.done()),
          `a future was done while its task was held or not started`,
        );
        // Let the held tasks go one at a time: each time one ends, another may start, never more.
        const opened = new Set<number>();
        while (opened.size < count) {
          const slot = futures.findIndex((_, s) => arrived(board, s) > 0 && !opened.has(s));
          if (slot < 0) {
            await eventually(ctx, `another task starts (${opened.size} of ${count} let go)`, () =>
              futures.some((_, s) => arrived(board, s) > 0 && !opened.has(s)),
            );
            continue;
          }
          const inside = totalArrived(board) - opened.size;
          rule(inside <= maxWorkers, `${inside} tasks were running at once with maxWorkers ${maxWorkers}`);
          ctx.at(`open gate ${slot}`);
          opened.add(slot);
          open(board, slot);
          await futures[slot]!;
        }
        for (const [slot, future] of futures.entries()) {
          rule((await future.result()) === slot * 10, `task ${slot} gave ${String(await future.result())}`);
        }
        rule(
          mostInside(board) === maxWorkers,
          `at most ${mostInside(board)} tasks were inside at once, not ${maxWorkers}`,
        );
      });
    },
  ],
});

export const workersReused = scenario<Shared>({
  proves:
    "the pool reuses its threads: wave after wave of tasks runs on at most maxWorkers threads, none on the caller's",
  state,
  reset,
  repetitions: 3,
  actors: [
    async (shared, ctx) => {
      const { board } = shared;
      await withPool(ctx, shared, { maxWorkers: 2 }, async (executor) => {
        // Ten waves of six, each checked as it comes back: a pool that starts a thread per task is
        // caught by the threads' identities after the first wave, long before it is merely slow.
        const threads = new Set<number>();
        for (let wave = 1; wave <= 10; wave++) {
          ctx.at(`submit() 6 tasks, wave ${wave} of 10`);
          const wave6 = [
            ...Array.from({ length: 3 }, () => executor.submit<[number, string]>(whoAmI).then(([id]) => id)),
            ...Array.from({ length: 3 }, () => executor.submit<number>(busy, board, 20)),
          ];
          awaitingPool(ctx, `the 6 results of wave ${wave}`);
          const ids = await Promise.all(wave6);
          for (const id of ids) threads.add(id);
          rule(
            !threads.has(threadId),
            `a task ran on the thread that submitted it (threadId ${threadId}): tasks run on the pool's workers`,
          );
          rule(
            threads.size <= 2,
            `${wave * 6} tasks ran on ${threads.size} different threads with maxWorkers 2: start a worker once and send it task after task (a new thread costs its start-up every time)`,
          );
        }
        rule(mostInside(board) <= 2, `${mostInside(board)} tasks ran at once with maxWorkers 2`);
      });
    },
  ],
});

export const blockedTaskDoesNotBlockOthers = scenario<Shared>({
  proves: "a task held for long does not hold up the others while a worker is free",
  state,
  reset,
  repetitions: 3,
  actors: [
    async (shared, ctx) => {
      const { board } = shared;
      await withPool(ctx, shared, { maxWorkers: 2 }, async (executor) => {
        ctx.at("submit()");
        const blocker = executor.submit<number>(held, board, 0);
        const quick = Array.from({ length: 200 }, (_, i) => executor.submit<number>(inc, i));
        ctx.at("the quick tasks, while one task is held");
        for (const [i, future] of quick.entries()) rule((await future) === i + 1, `inc(${i}) gave the wrong result`);
        rule(!blocker.done(), `the held task was done before its gate opened`);
        open(board, 0);
        rule((await blocker) === 0, `the held task gave the wrong result`);
      });
    },
  ],
});

export const initializerAndNames = scenario<Shared>({
  proves:
    "initializer(...initArgs) runs in each worker before its tasks (with no initArgs, with no arguments); threads are named prefix_N; maxWorkers defaults to min(32, cpus + 4), and one below 1 is refused with a RangeError",
  state,
  reset,
  repetitions: 2,
  actors: [
    async (shared, ctx) => {
      await withPool(
        ctx,
        shared,
        { maxWorkers: 2, initializer: setup, initArgs: ["ready"], threadNamePrefix: "crawler" },
        async (executor) => {
          ctx.at("submit(readSetup)");
          const submitted = Array.from({ length: 20 }, () =>
            Promise.all([executor.submit<string>(readSetup), executor.submit<[number, string]>(whoAmI)]),
          );
          awaitingPool(ctx, "20 readSetup() and whoAmI() after the initializer");
          const seen = await Promise.all(submitted);
          for (const [setting, [, name]] of seen) {
            rule(
              /^crawler_\d+$/.test(name),
              `a worker of an executor with threadNamePrefix "crawler" was named "${name}", not crawler_N (give startTaskWorker a name)`,
            );
            rule(
              typeof setting === "string" && /^ready in crawler_\d+$/.test(setting),
              `a task saw the initializer's work as ${JSON.stringify(setting)}, not "ready in crawler_N": run initializer(...initArgs) in each worker before its first task`,
            );
          }
        },
      );
      const defaults = new ThreadPoolExecutor();
      try {
        const expected = Math.min(32, os.availableParallelism() + 4);
        rule(
          defaults.maxWorkers === expected,
          `maxWorkers defaulted to ${defaults.maxWorkers}, not min(32, cpus + 4) = ${expected}`,
        );
        ctx.at("submit(whoAmI) on a default executor");
        const mine = defaults.submit<[number, string]>(whoAmI);
        awaitingPool(ctx, "whoAmI() on a default executor");
        const [, name] = await mine;
        rule(
          /^ThreadPoolExecutor-\d+_\d+$/.test(name),
          `a default worker was named "${name}", not ThreadPoolExecutor-N_M`,
        );
      } finally {
        await defaults.shutdown();
      }

      ctx.at("an initializer without initArgs");
      await withPool(ctx, shared, { maxWorkers: 1, initializer: setupArgs }, async (executor) => {
        const args = await executor.submit<string>(readSetup);
        rule(args === "[]", `an initializer given no initArgs was called with ${args}, not with no arguments`);
      });
      ctx.at("new ThreadPoolExecutor({ maxWorkers }) below 1");
      for (const maxWorkers of [0, -1, Number.NaN]) {
        const error = thrownBy(() => new ThreadPoolExecutor({ maxWorkers }));
        rule(
          error instanceof RangeError && /maxWorkers/.test(error.message),
          `new ThreadPoolExecutor({ maxWorkers: ${maxWorkers} }) gave ${error === undefined ? "an executor" : nameOf(error)}, not a RangeError naming maxWorkers (Python: ValueError)`,
        );
      }
    },
  ],
});

// ---------------------------------------------------------------- 3 exceptions

async function checkJobFailed(error: unknown, message: string, how: string): Promise<void> {
  rule(error instanceof Error, `${how}: the exception arrived as ${nameOf(error)}, not as an Error`);
  rule(
    error.name === "JobFailed",
    `${how}: the exception's name was "${error.name}", not "JobFailed": a structured clone calls every custom error "Error"; send the name along and set it again`,
  );
  rule(
    error.message === message,
    `${how}: the exception's message was ${JSON.stringify(error.message)}, not ${JSON.stringify(message)}`,
  );
  rule(
    /failingStep/.test(error.stack ?? "") && /tasks\.ts:\d+/.test(error.stack ?? ""),
    `${how}: the stack is not the worker's (failingStep in tasks.ts):\n${error.stack}`,
  );
  const fields = error as Error & { code?: unknown; details?: { attempt?: unknown; tags?: unknown } };
  rule(
    fields.code === 42 && fields.details?.attempt === 3 && JSON.stringify(fields.details?.tags) === `["retry","io"]`,
    `${how}: the error's own fields were lost (code ${String(fields.code)}, details ${JSON.stringify(fields.details)}): send its own properties along`,
  );
  const cause = error.cause;
  rule(
    cause instanceof Error && cause.name === "NetworkDown" && cause.message === "link lost",
    `${how}: the error's cause arrived as ${cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause)}, not NetworkDown: link lost (a cause is an exception too: send it the same way)`,
  );
  for (const key of ["name", "stack", "cause"]) {
    const descriptor = Object.getOwnPropertyDescriptor(error, key);
    rule(
      descriptor?.writable === true && descriptor.configurable === true,
      `${how}: the exception's ${key} is ${descriptor ? `${descriptor.writable ? "" : "read-only"}${descriptor.writable || descriptor.configurable ? "" : ", "}${descriptor.configurable ? "" : "not configurable"}` : "not its own property"}: as on any error, code that catches it may set it again or delete it`,
    );
  }
}

export const exceptionsKeepIdentity = scenario<Shared>({
  proves:
    "an exception comes back with its class name, message, the worker's stack, its cause and its own fields; result() rejects with it",
  state,
  reset,
  repetitions: 3,
  actors: [
    async (shared, ctx) => {
      await withPool(ctx, shared, { maxWorkers: 2 }, async (executor) => {
        for (const [task, how] of [
          [failNow, "a task that throws"],
          [failLater, "an async task that rejects"],
        ] as const) {
          const message = `job ${ctx.repetition} failed`;
          ctx.at(`${how}: exception()`);
          const future = executor.submit(task, message);
          const error = await future.exception();
          await checkJobFailed(error, message, how);
          rule(
            (await rejection(future.result())) === error,
            `${how}: result() did not reject with the same object exception() gave`,
          );
        }
      });
    },
  ],
});

export const otherThrows = scenario<Shared>({
  proves:
    "a thrown string or object comes back as it was thrown; each built-in error class comes back an instance of itself; a name on the prototype is kept; a result that cannot be cloned fails the future with DataCloneError; a throwing task does not kill its worker",
  state,
  reset,
  repetitions: 3,
  actors: [
    async (shared, ctx) => {
      await withPool(ctx, shared, { maxWorkers: 1 }, async (executor) => {
        ctx.at("throw a string");
        const [before] = await executor.submit<[number, string]>(whoAmI);
        const text = await executor.submit(throwValue, "just a string").exception();
        rule(
          text === "just a string",
          `a task that threw the string "just a string" gave exception() ${nameOf(text)}: a thrown value that is not an Error comes back as it was`,
        );
        ctx.at("throw an object");
        const thrown = { code: 7, reason: "nope" };
        const object = await executor.submit(throwValue, thrown).exception();
        rule(
          JSON.stringify(object) === JSON.stringify(thrown) && !(object instanceof Error),
          `a task that threw ${JSON.stringify(thrown)} gave exception() ${nameOf(object)}`,
        );
        ctx.at("a TypeError");
        const type = await executor.submit(typeErrorNow).exception();
        rule(
          type instanceof TypeError && type.name === "TypeError",
          `a task's TypeError came back as ${nameOf(type)}${type instanceof TypeError ? "" : ", not an instance of TypeError"}`,
        );
        ctx.at("each built-in error class");
        for (const Class of [Error, TypeError, RangeError, ReferenceError, SyntaxError, EvalError, URIError]) {
          const error = await executor.submit(throwBuiltin, Class.name, `a ${Class.name}`).exception();
          rule(
            error instanceof Class && nameOf(error) === Class.name && error.message === `a ${Class.name}`,
            `a task that threw new ${Class.name}("a ${Class.name}") gave exception() ${nameOf(error)}${error instanceof Class ? "" : `, not an instance of ${Class.name}`}: a built-in error class comes back as itself`,
          );
        }
        ctx.at("an error class with its name on the prototype");
        const legacy = await executor.submit(failLegacy, "old style").exception();
        rule(
          nameOf(legacy) === "LegacyError" && (legacy as Error).message === "old style",
          `a task that threw a LegacyError (its name set on LegacyError.prototype, not on the error) gave exception() ${nameOf(legacy)}: send error.name, wherever it is found`,
        );
        ctx.at("a result that cannot be cloned (a function)");
        const uncloneable = executor.submit(returnFunction);
        const cloneError = await uncloneable.exception();
        rule(
          nameOf(cloneError) === "DataCloneError",
          `a task that returned a function gave exception() ${nameOf(cloneError)}, not the DataCloneError of sending it: a result that cannot reach the caller's thread fails the future`,
        );
        const [after] = await executor.submit<[number, string]>(whoAmI);
        rule(
          after === before,
          `after its tasks threw, the only worker had changed (thread ${before}, then ${after}): catch a task's exception in the worker and go on with the next task`,
        );
      });
    },
  ],
});

export const failuresGiveWorkersBack = scenario<Shared>({
  proves:
    "whatever a task throws (null, undefined, a number, a RangeError, a JobFailed, a rejection) fails its future with it, and every failing task gives its worker back: twelve failures on two workers, then two tasks run at once",
  state,
  reset,
  repetitions: 2,
  actors: [
    async (shared, ctx) => {
      const { board } = shared;
      await withPool(ctx, shared, { maxWorkers: 2 }, async (executor) => {
        const values: unknown[] = [null, undefined, 0, 42, "", false];
        ctx.at("submit() 12 failing tasks to 2 workers");
        const thrown = values.map((value) => executor.submit(throwValue, value));
        const ranges = [0, 1, 2].map((i) => executor.submit(throwRange, `range ${i}`));
        const failed = [
          executor.submit(failNow, "now"),
          executor.submit(failLater, "later"),
          executor.submit(typeErrorNow),
        ];
        awaitingPool(ctx, "12 failing tasks");
        for (const [i, future] of thrown.entries()) {
          const error = await rejection(future.result());
          rule(
            Object.is(error, values[i]),
            `a task that threw ${JSON.stringify(values[i]) ?? "undefined"} made result() ${typeof error === "string" && error.startsWith("resolved") ? error : `reject with ${nameOf(error)}`}: it must reject with the very value thrown`,
          );
          rule(
            future.done() && !future.cancelled(),
            `the future of a task that threw was done() ${future.done()}, cancelled() ${future.cancelled()}`,
          );
        }
        for (const [i, future] of ranges.entries()) {
          const error = await rejection(future);
          rule(
            error instanceof RangeError && error.name === "RangeError" && error.message === `range ${i}`,
            `a task that threw RangeError("range ${i}") made its future reject with ${nameOf(error)}${error instanceof RangeError ? "" : " (not an instance of RangeError)"}: the exception comes back with its class, name and message`,
          );
          rule(
            !Object.hasOwn(error, "cause"),
            `a task's RangeError that had no cause came back with one (${String((error as Error).cause)}): send a cause only when the error has one`,
          );
        }
        for (const [i, future] of failed.entries()) {
          const error = await future.exception();
          rule(
            error instanceof Error && error.name === ["JobFailed", "JobFailed", "TypeError"][i],
            `the future of a task that failed gave exception() ${nameOf(error)}`,
          );
        }
        ctx.at("submit() 2 held tasks after 12 failures");
        const two = [0, 1].map((slot) => executor.submit<number>(held, board, slot));
        await eventually(
          ctx,
          "both held tasks run at once after 12 failures: does a failing task give its worker back?",
          () => arrived(board, 0) === 1 && arrived(board, 1) === 1,
        );
        open(board, 0);
        open(board, 1);
        awaitingPool(ctx, "the two held tasks, let go");
        rule((await two[0]!) === 0 && (await two[1]!) === 10, `the held tasks gave wrong results after the failures`);
      });
    },
  ],
});

// ---------------------------------------------------------------- 4 map / asCompleted / wait

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const values: T[] = [];
  for await (const value of iterable) values.push(value);
  return values;
}

export const mapInOrder = scenario<Shared>({
  proves:
    "map() yields the results in input order, whatever order the tasks finish in; a loop that stops early cancels the tasks not yet started",
  state,
  reset,
  repetitions: 3,
  actors: [
    async (shared, ctx) => {
      const { board } = shared;
      await withPool(ctx, shared, { maxWorkers: 2 }, async (executor) => {
        ctx.at("map(inc, 0..499)");
        const values = await collect(
          executor.map<number>(
            inc,
            Array.from({ length: 500 }, (_, i) => i),
          ),
        );
        rule(
          values.length === 500 && values.every((v, i) => v === i + 1),
          `map(inc, 0..499) yielded ${values.length} values, not 1..500 in order`,
        );

        // Task 0 is held; tasks 1 and 2 run on the other worker and finish. A probe on that worker
        // finishes after them, so by then both results are in; map's first value must still wait.
        ctx.at("map(held, [0, 1, 2])");
        open(board, 1);
        open(board, 2);
        const iterator = executor.map<number>(
          heldJob,
          [0, 1, 2].map((slot) => ({ board, slot })),
        );
        const firstStep = iterator.next();
        const first = track(firstStep);
        await eventually(ctx, "tasks 1 and 2 have finished", () => finished(board, 1) && finished(board, 2));
        await executor.submit(inc, 0);
        await turns();
        rule(
          !first.settled,
          `map()'s first value was ${JSON.stringify(first.value ?? first.error)} while the first task was still held: map yields in input order, not as tasks finish`,
        );
        open(board, 0);
        const rest: number[] = [];
        for (let result = await iterator.next(); !result.done; result = await iterator.next()) rest.push(result.value);
        const firstValue = (await firstStep).value;
        rule(
          firstValue === 0 && rest.join(",") === "10,20",
          `map(held, [0, 1, 2]) yielded ${firstValue}, ${rest.join(", ")}, not 0, 10, 20`,
        );
      });

      // One worker: once task 4 is done it can start one more task (whichever its design picks),
      // held at its gate until the end. A loop that stops after the first value (break, return,
      // an exception) must cancel the rest: however the pool schedules, at most one of 5..9 runs.
      for (const slot of [5, 6, 7, 8, 9]) Atomics.store(board, slots + slot, 0); // the pool above opened every gate
      await withPool(ctx, shared, { maxWorkers: 1 }, async (executor) => {
        ctx.at("map(held, [4..9]) on one worker, stopped after the first value");
        open(board, 4);
        const stopped = executor.map<number>(
          heldJob,
          [4, 5, 6, 7, 8, 9].map((slot) => ({ board, slot })),
        );
        let head: number | undefined;
        for await (const value of stopped) {
          head = value;
          break;
        }
        rule(head === 40, `map(held, [4..9]) first yielded ${String(head)}, not 40`);
      });
      const ran = [5, 6, 7, 8, 9].filter((slot) => arrived(board, slot) > 0);
      rule(
        ran.length <= 1,
        `tasks ${ran.join(", ")} ran on the one worker although the loop over map() stopped when only one of them could have started: when iteration stops, map() cancels the tasks not yet started`,
      );
    },
  ],
});

export const mapRethrows = scenario<Shared>({
  proves: "map() re-throws a task's exception when iteration reaches it, after the values before it",
  state,
  reset,
  repetitions: 3,
  actors: [
    async (shared, ctx) => {
      await withPool(ctx, shared, { maxWorkers: 2 }, async (executor) => {
        const values: number[] = [];
        let error: unknown;
        ctx.at("map(incOrFail, [1, 2, -3, 4])");
        try {
          for await (const value of executor.map<number>(incOrFail, [1, 2, -3, 4])) values.push(value);
        } catch (thrown) {
          if (stillStub(thrown)) throw thrown;
          error = thrown;
        }
        rule(
          values.join(",") === "2,3",
          `map(incOrFail, [1, 2, -3, 4]) yielded [${values.join(", ")}] before it stopped, not [2, 3]`,
        );
        rule(
          nameOf(error) === "JobFailed" && (error as Error).message === "cannot take -3",
          `map() ended with ${nameOf(error)}, not the third task's JobFailed`,
        );
      });
    },
  ],
});

export const mapTimeout = scenario<Shared>({
  proves: "map(timeout) throws TimeoutError when a result is not ready in time, counted from the call to map()",
  state,
  reset,
  repetitions: 3,
  actors: [
    async (shared, ctx) => {
      const { board } = shared;
      await withPool(ctx, shared, { maxWorkers: 2 }, async (executor) => {
        const timeout = 20 + Math.floor(ctx.random() * 10);
        ctx.at(`map(held, [0], { timeout: ${timeout} })`);
        let started = performance.now();
        let error = await rejection(executor.map(heldJob, [{ board, slot: 0 }], { timeout }).next());
        let waited = performance.now() - started;
        rule(
          nameOf(error) === "TimeoutError",
          `map(held, [0], { timeout: ${timeout} }) with the task held gave ${nameOf(error)}, not a TimeoutError`,
        );
        rule(
          waited >= timeout - 1,
          `map()'s TimeoutError came ${waited.toFixed(1)} ms after the call, before the timeout of ${timeout} ms`,
        );

        // The timeout counts from the call: iterate only once it has passed. The held task is let go
        // 15 ms after next(); a timeout counted from next() would still be waiting then.
        ctx.at(`map(held, [1], { timeout: ${timeout} }), then wait`);
        const late = executor.map(heldJob, [{ board, slot: 1 }], { timeout });
        await sleep(timeout + 10);
        started = performance.now();
        const next = late.next();
        const letGo = setTimeout(() => open(board, 1), 15);
        error = await rejection(next);
        waited = performance.now() - started;
        clearTimeout(letGo);
        rule(
          nameOf(error) === "TimeoutError",
          `map(..., { timeout: ${timeout} }) iterated ${timeout + 10} ms after the call gave ${nameOf(error)}, not a TimeoutError at once: the timeout counts from the call to map(), not from each step`,
        );
        open(board, 0);
        open(board, 1);
      });
    },
  ],
});

export const asCompletedOrder = scenario<Shared>({
  proves:
    "asCompleted() yields the done futures first, then each as it completes; each once; TimeoutError not before the timeout",
  state,
  reset,
  repetitions: 3,
  actors: [
    async (shared, ctx) => {
      const { board } = shared;
      await withPool(ctx, shared, { maxWorkers: 3 }, async (executor) => {
        const already = executor.submit<number>(inc, 1);
        await already;
        const futures = [0, 1, 2].map((slot) => executor.submit<number>(held, board, slot));
        const order = ctx.repetition % 2 === 0 ? [2, 0, 1] : [1, 2, 0];
        ctx.at("asCompleted()");
        const iterator = asCompleted([...futures, already, futures[0]!]);
        const firstYield = await iterator.next();
        rule(firstYield.value === already, `asCompleted() did not yield the future that was already done first`);
        for (const slot of order) {
          const next = track(iterator.next());
          await turns();
          rule(
            !next.settled,
            `asCompleted() yielded ${next.value ? "a future" : "the end"} while every remaining task was still held`,
          );
          ctx.at(`asCompleted() after gate ${slot} opened`);
          open(board, slot);
          await eventually(ctx, `asCompleted() yields task ${slot}'s future`, () => next.settled);
          const yielded = (next.value as IteratorResult<Future<number>> | undefined)?.value;
          rule(
            yielded === futures[slot],
            `after task ${slot} finished, asCompleted() yielded ${yielded ? `task ${futures.indexOf(yielded)}'s future` : String(next.error ?? "the end")}: it yields in completion order`,
          );
        }
        const end = await iterator.next();
        rule(end.done === true, `asCompleted() yielded more than each future once (a future listed twice counts once)`);

        const timeout = 10 + Math.floor(ctx.random() * 10);
        const pending = executor.submit<number>(held, board, 3);
        ctx.at(`asCompleted([held], ${timeout})`);
        const started = performance.now();
        const error = await rejection(asCompleted([pending], timeout).next());
        const waited = performance.now() - started;
        rule(
          nameOf(error) === "TimeoutError" && waited >= timeout - 1 && (error as Error).message !== "",
          `asCompleted([a held task], ${timeout}) gave ${nameOf(error)}${error instanceof Error && error.message === "" ? " with no message" : ""} after ${waited.toFixed(1)} ms, not a TimeoutError saying what timed out, after ${timeout} ms`,
        );
        open(board, 3);
      });
    },
  ],
});

export const waitModes = scenario<Shared>({
  proves:
    "wait() returns { done, notDone } at FIRST_COMPLETED, FIRST_EXCEPTION and ALL_COMPLETED, or when its timeout passes",
  state,
  reset,
  repetitions: 3,
  actors: [
    async (shared, ctx) => {
      const { board } = shared;
      await withPool(ctx, shared, { maxWorkers: 3 }, async (executor) => {
        const [a, b] = [0, 1].map((slot) => executor.submit<number>(held, board, slot)) as [
          Future<number>,
          Future<number>,
        ];
        const timeout = 10 + Math.floor(ctx.random() * 10);
        ctx.at(`wait(ALL_COMPLETED, timeout ${timeout})`);
        const started = performance.now();
        let result: { done: Set<Future<any>>; notDone: Set<Future<any>> } = await wait([a, b], { timeout });
        const waited = performance.now() - started;
        rule(
          waited >= timeout - 1 && result.done.size === 0 && result.notDone.size === 2,
          `wait() with both tasks held and a timeout of ${timeout} ms returned after ${waited.toFixed(1)} ms with done ${result.done.size}, notDone ${result.notDone.size}`,
        );

        ctx.at("wait(FIRST_COMPLETED)");
        const first = track(wait([a, b], { returnWhen: FIRST_COMPLETED }));
        await turns();
        rule(!first.settled, `wait(FIRST_COMPLETED) returned while both tasks were held`);
        open(board, 1);
        result = await wait([a, b], { returnWhen: FIRST_COMPLETED });
        rule(
          result.done.has(b) && result.notDone.has(a) && result.done.size === 1,
          `wait(FIRST_COMPLETED) after task 1 finished gave done ${result.done.size}, notDone ${result.notDone.size}: not { done: [task 1], notDone: [task 0] }`,
        );
        await eventually(ctx, "the first wait(FIRST_COMPLETED) returns", () => first.settled);

        ctx.at("wait(FIRST_EXCEPTION)");
        const failing = executor.submit(failNow, "first exception");
        result = await wait([a, failing], { returnWhen: FIRST_EXCEPTION });
        rule(
          result.done.has(failing) && result.notDone.has(a),
          `wait(FIRST_EXCEPTION) with a task held and one failed did not return { done: [the failed], notDone: [the held] }`,
        );
        const fine = executor.submit<number>(inc, 1);
        await fine;
        const none = track(wait([a, fine], { returnWhen: FIRST_EXCEPTION }));
        await turns();
        rule(
          !none.settled,
          `wait(FIRST_EXCEPTION) returned with no exception and a task still held: with no exception it waits for all`,
        );

        ctx.at("wait(ALL_COMPLETED)");
        const all = track(wait([a, b, failing], { returnWhen: ALL_COMPLETED }));
        await turns();
        rule(!all.settled, `wait(ALL_COMPLETED) returned with a task still held`);
        open(board, 0);
        result = await wait([a, b, failing]);
        rule(
          result.done.size === 3 && result.notDone.size === 0,
          `wait() (ALL_COMPLETED) gave done ${result.done.size}, notDone ${result.notDone.size}`,
        );
        await eventually(ctx, "the other waits return", () => all.settled && none.settled);
      });
    },
  ],
});

export const waitAndAsCompletedEdges = scenario<Shared>({
  proves:
    "wait() and asCompleted() of no futures end at once; a timeout of 0 gives what is done now; a cancelled future counts as completed but not as an exception; asCompleted(fs, 0) yields the done ones, then TimeoutError",
  state,
  reset,
  repetitions: 3,
  actors: [
    async (_shared, ctx) => {
      const finished = new Future<number>();
      finished.setResult(1);
      const failed = new Future<number>();
      failed.setException(new Error("failed"));
      const cancelled = new Future<number>();
      cancelled.cancel();
      const pending = new Future<number>();
      const list = (futures: Set<Future<number>>) =>
        `[${[...futures].map((f) => (f === finished ? "finished" : f === failed ? "failed" : f === cancelled ? "cancelled" : "pending")).join(", ")}]`;

      rule(
        FIRST_COMPLETED === "FIRST_COMPLETED" &&
          FIRST_EXCEPTION === "FIRST_EXCEPTION" &&
          ALL_COMPLETED === "ALL_COMPLETED",
        `the returnWhen constants are ${JSON.stringify([FIRST_COMPLETED, FIRST_EXCEPTION, ALL_COMPLETED])}, not their own names, as in Python`,
      );
      ctx.at("wait([])");
      let result = await wait([] as Future<number>[]);
      rule(
        result.done.size === 0 && result.notDone.size === 0,
        `wait([]) gave done ${list(result.done)}, notDone ${list(result.notDone)}`,
      );
      ctx.at("wait(four futures, { timeout: 0 })");
      result = await wait([finished, failed, cancelled, pending], { timeout: 0 });
      rule(
        result.done.size === 3 && !result.done.has(pending) && result.notDone.size === 1 && result.notDone.has(pending),
        `wait([finished, failed, cancelled, pending], { timeout: 0 }) gave done ${list(result.done)}, notDone ${list(result.notDone)}: a timeout of 0 gives what is done now (a cancelled future is done)`,
      );
      ctx.at("wait([cancelled, pending], FIRST_COMPLETED)");
      result = await wait([cancelled, pending], { returnWhen: FIRST_COMPLETED });
      rule(
        result.done.has(cancelled) && result.notDone.has(pending),
        `wait([cancelled, pending], FIRST_COMPLETED) gave done ${list(result.done)}, notDone ${list(result.notDone)}: a cancelled future has completed`,
      );
      ctx.at("wait([failed, pending], FIRST_EXCEPTION)");
      result = await wait([failed, pending], { returnWhen: FIRST_EXCEPTION });
      rule(
        result.done.has(failed) && result.notDone.has(pending),
        `wait([failed, pending], FIRST_EXCEPTION) gave done ${list(result.done)}, notDone ${list(result.notDone)}`,
      );
      const noException = track(wait([cancelled, finished, pending], { returnWhen: FIRST_EXCEPTION }));
      await turns();
      rule(
        !noException.settled,
        `wait([cancelled, finished, pending], FIRST_EXCEPTION) returned while a future was pending: a cancelled future raised no exception, so it waits for all`,
      );

      ctx.at("asCompleted([])");
      rule((await asCompleted([] as Future<number>[]).next()).done === true, `asCompleted([]) yielded something`);
      ctx.at("for await (... of asCompleted(done futures, 0))");
      const yielded: Future<number>[] = [];
      // An async iterator's values are not awaited by for await (TypeScript's type says they are).
      for await (const future of asCompleted([finished, cancelled, finished, failed], 0))
        yielded.push(future as unknown as Future<number>);
      rule(
        yielded.length === 3 && [finished, cancelled, failed].every((f) => yielded.includes(f)),
        `asCompleted([finished, cancelled, finished, failed], 0) yielded ${yielded.length} futures, not those 3, each once, without a TimeoutError`,
      );
      ctx.at("asCompleted([finished, pending], 0)");
      const iterator = asCompleted([pending, finished], 0);
      const first = await iterator.next();
      rule(first.value === finished, `asCompleted([pending, finished], 0) did not first yield the finished future`);
      const error = await rejection(iterator.next());
      rule(
        nameOf(error) === "TimeoutError",
        `asCompleted([pending, finished], 0), once the finished future was yielded, gave ${nameOf(error)}, not a TimeoutError`,
      );
      pending.setResult(2);
      await eventually(ctx, "wait(FIRST_EXCEPTION) returns once the last future is done", () => noException.settled);

      ctx.at("futures done while nobody awaits asCompleted()'s next()");
      const reported: unknown[] = [];
      const report = Future.reportCallbackError;
      Future.reportCallbackError = (error) => reported.push(error);
      try {
        const timers = liveTimers();
        const [x, y] = [new Future<number>(), new Future<number>()];
        const completing = asCompleted([x, y], 10_000);
        x.setResult(1);
        const first = await completing.next();
        const second = track(completing.next());
        const waiting = track(wait([y], { timeout: 10_000 }));
        y.setResult(2);
        await turns();
        rule(
          reported.length === 0,
          `asCompleted()'s done callbacks threw ${reported.map(nameOf).join(", ")} (reported by Future.reportCallbackError) when a future finished while nobody awaited next()`,
        );
        rule(
          first.value === x && second.settled && (second.value as IteratorResult<Future<number>>).value === y,
          `asCompleted([x, y]) did not yield x (done before next() was called), then y`,
        );
        rule(waiting.settled, `wait([y], { timeout: 10000 }) did not return when y was done`);
        rule(
          liveTimers() === timers,
          `asCompleted(fs, 10000) and wait(fs, { timeout: 10000 }) were over, but left ${liveTimers() - timers} timer(s) running: clear the timer once the futures are done`,
        );
      } finally {
        Future.reportCallbackError = report;
      }
    },
  ],
});

// ---------------------------------------------------------------- 5 shutdown and cancel

export const cancelInPool = scenario<Shared>({
  proves: "cancel(): a task waiting in the pool, yes (it never runs); a running or finished one, no",
  state,
  reset,
  repetitions: 3,
  actors: [
    async (shared, ctx) => {
      const { board } = shared;
      await withPool(ctx, shared, { maxWorkers: 1 + (ctx.repetition % 2) }, async (executor) => {
        const workers = executor.maxWorkers;
        ctx.at("submit()");
        const running = Array.from({ length: workers }, (_, slot) => executor.submit<number>(held, board, slot));
        const waiting = [10, 11, 12].map((slot) => executor.submit<number>(mark, board, slot));
        await eventually(ctx, "the first tasks are running", () =>
          running.every((_, slot) => arrived(board, slot) === 1),
        );
        for (const future of running) {
          ctx.at("cancel() of a running task");
          rule(!future.cancel(), `cancel() of a running task (held at its gate) returned true`);
          rule(
            future.running() && !future.cancelled(),
            `a running task's future said running() ${future.running()}, cancelled() ${future.cancelled()}`,
          );
        }
        ctx.at("cancel() of a waiting task");
        rule(waiting[1]!.cancel(), `cancel() of a task still waiting for a worker returned false`);
        rule(
          waiting[1]!.cancelled() && waiting[1]!.done(),
          `a cancelled future said cancelled() ${waiting[1]!.cancelled()}, done() ${waiting[1]!.done()}`,
        );
        rule(
          nameOf(await rejection(waiting[1]!.result())) === "CancelledError",
          `result() of a cancelled task did not reject with CancelledError`,
        );
        running.forEach((_, slot) => open(board, slot));
        awaitingPool(ctx, "the tasks around the cancelled one");
        rule(
          (await waiting[2]!) === 12 && (await waiting[0]!) === 10,
          `the tasks around the cancelled one gave wrong results`,
        );
        for (const future of running) await future;
        rule(arrived(board, 11) === 0, `the cancelled task ran anyway`);
        rule(!waiting[0]!.cancel() && !running[0]!.cancel(), `cancel() of a finished task returned true`);
      });
    },
  ],
});

export const shutdownWaits = scenario<Shared>({
  proves:
    "shutdown() waits for the running and waiting tasks, then for the workers to exit; submit() afterwards throws",
  state,
  reset,
  repetitions: 3,
  actors: [
    async (shared, ctx) => {
      const { board } = shared;
      await withPool(ctx, shared, { maxWorkers: 2 }, async (executor) => {
        const futures = [0, 1].map((slot) => executor.submit<number>(held, board, slot));
        const after = [executor.submit<number>(inc, 1), executor.submit<number>(incLater, 2)];
        await eventually(ctx, "both tasks are running", () => arrived(board, 0) === 1 && arrived(board, 1) === 1);
        ctx.at("shutdown()");
        const letGo = setTimeout(() => [0, 1].forEach((slot) => open(board, slot)), 30);
        await executor.shutdown();
        clearTimeout(letGo);
        rule(
          finished(board, 0) && finished(board, 1),
          `shutdown() resolved while tasks were still running (held at their gates): with wait (the default) it waits for them`,
        );
        rule(
          [...futures, ...after].every((f) => f.done()),
          `shutdown() resolved before every submitted task's future was done`,
        );
        rule((await after[0]!) === 2 && (await after[1]!) === 3, `the tasks waiting at shutdown() gave wrong results`);
        rule(
          liveTaskWorkers() === 0,
          `${liveTaskWorkers()} worker threads were still alive after shutdown() resolved: wait for each worker's "exit"`,
        );
        const refused = thrownBy(() => executor.submit(inc, 1));
        rule(
          refused instanceof Error && /shut ?down/i.test(refused.message),
          `submit() after shutdown() ${refused === undefined ? "did not throw" : `threw ${nameOf(refused)}: ${String((refused as Error).message)}`}: it throws an Error saying the pool is shut down (Python: "cannot schedule new futures after shutdown")`,
        );
      });
    },
  ],
});

export const shutdownNoWait = scenario<Shared>({
  proves: "shutdown({ wait: false }) returns at once; the tasks already submitted still run; then the workers exit",
  state,
  reset,
  repetitions: 3,
  actors: [
    async (shared, ctx) => {
      const { board } = shared;
      await withPool(ctx, shared, { maxWorkers: 1 }, async (executor) => {
        const first = executor.submit<number>(held, board, 0);
        const later = executor.submit<number>(mark, board, 5);
        await eventually(ctx, "the task is running", () => arrived(board, 0) === 1);
        ctx.at("shutdown({ wait: false })");
        await executor.shutdown({ wait: false });
        rule(
          !first.done() && !later.done(),
          `after shutdown({ wait: false }) returned with a task held, a future was already done`,
        );
        rule(
          throws(() => executor.submit(inc, 1)),
          `submit() after shutdown({ wait: false }) did not throw`,
        );
        open(board, 0);
        ctx.at("the tasks after shutdown({ wait: false })");
        rule(
          (await first) === 0 && (await later) === 5,
          `the tasks submitted before shutdown({ wait: false }) did not finish with their results`,
        );
        await eventually(ctx, "the workers exit after the last task", () => liveTaskWorkers() === 0);
      });
    },
  ],
});

export const shutdownCancelFutures = scenario<Shared>({
  proves: "shutdown({ cancelFutures: true }) cancels the tasks that have not started; the running ones finish",
  state,
  reset,
  repetitions: 3,
  actors: [
    async (shared, ctx) => {
      const { board } = shared;
      await withPool(ctx, shared, { maxWorkers: 1 }, async (executor) => {
        const running = executor.submit<number>(held, board, 0);
        const waiting = [10, 11, 12].map((slot) => executor.submit<number>(mark, board, slot));
        await eventually(ctx, "the first task is running", () => arrived(board, 0) === 1);
        ctx.at("shutdown({ cancelFutures: true })");
        const closing = track(executor.shutdown({ cancelFutures: true }));
        rule(
          waiting.every((f) => f.cancelled()),
          `after shutdown({ cancelFutures: true }), the waiting tasks' futures were not cancelled (${waiting.map((f) => f.cancelled()).join(", ")})`,
        );
        rule(!running.cancelled(), `shutdown({ cancelFutures: true }) cancelled the running task`);
        open(board, 0);
        rule((await running) === 0, `the running task did not finish with its result`);
        await eventually(ctx, "shutdown() resolves", () => closing.settled);
        rule(!closing.error, `shutdown() rejected: ${String(closing.error)}`);
        rule(
          [10, 11, 12].every((slot) => arrived(board, slot) === 0),
          `a task cancelled by shutdown({ cancelFutures: true }) ran anyway`,
        );
        rule(liveTaskWorkers() === 0, `worker threads were alive after shutdown() resolved`);
      });
    },
  ],
});

export const asyncDispose = scenario<Shared>({
  proves:
    "`await using executor = ...` shuts the pool down at the end of the block: [Symbol.asyncDispose]() is shutdown()",
  state,
  reset,
  repetitions: 2,
  actors: [
    async (shared, ctx) => {
      const executor = new ThreadPoolExecutor({ maxWorkers: 2 });
      const futures = [1, 2, 3].map((n) => executor.submit<number>(incLater, n));
      ctx.at("[Symbol.asyncDispose]()");
      await executor[Symbol.asyncDispose]();
      rule(
        futures.every((f) => f.done()),
        `[Symbol.asyncDispose]() resolved before the tasks were done`,
      );
      rule(liveTaskWorkers() === 0, `worker threads were alive after [Symbol.asyncDispose]() resolved`);
      rule(
        throws(() => executor.submit(inc, 1)),
        `submit() after [Symbol.asyncDispose]() did not throw`,
      );
      void shared;
    },
  ],
});

export const workerDies = scenario<Shared>({
  proves:
    "a worker that dies (process.exit, its resourceLimits) fails its task's future with an error naming the cause; the pool goes on",
  state,
  reset,
  repetitions: 2,
  actors: [
    async (shared, ctx) => {
      await withPool(
        ctx,
        shared,
        { maxWorkers: 2, resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 4 } },
        async (executor) => {
          const code = 3 + ctx.repetition;
          ctx.at(`a task that calls process.exit(${code})`);
          const before = executor.submit<number>(inc, 1);
          const dying = executor.submit(exitNow, code);
          const error = await dying.exception();
          rule(
            nameOf(error) === "WorkerDiedError" &&
              error instanceof Error &&
              new RegExp(`exit`, "i").test(error.message) &&
              new RegExp(`\\b${code}\\b`).test(error.message),
            `the future of a task whose worker called process.exit(${code}) gave ${error instanceof Error ? JSON.stringify(`${error.name}: ${error.message}`) : nameOf(error)}: fail it with a WorkerDiedError that says the worker exited, and its exit code`,
          );
          rule((await before) === 2, `a task submitted before the crash gave the wrong result`);
          ctx.at("tasks after the crash");
          const values = await Promise.all(Array.from({ length: 20 }, (_, i) => executor.submit<number>(inc, i)));
          rule(
            values.every((v, i) => v === i + 1),
            `tasks submitted after a worker died did not all run: start another worker`,
          );

          ctx.at("a task that exhausts its worker's memory");
          const greedy = executor.submit(exhaustMemory);
          const oom = await greedy.exception();
          rule(
            nameOf(oom) === "WorkerDiedError" && oom instanceof Error && /memory/i.test(oom.message),
            `the future of a task whose worker ran out of memory gave ${oom instanceof Error ? JSON.stringify(`${oom.name}: ${oom.message}`) : nameOf(oom)}: a WorkerDiedError; listen to the worker's "error" event and say why it died`,
          );
          rule(
            (await executor.submit<number>(inc, 9)) === 10,
            `the pool did not go on after a worker ran out of memory`,
          );
        },
      );
    },
  ],
});

export const brokenPool = scenario<Shared>({
  proves:
    "an initializer that throws breaks the pool: no task runs, the pending futures fail with BrokenThreadPool (caused by the initializer's exception), a cancelled one stays cancelled, and submit() throws BrokenThreadPool",
  state,
  reset,
  repetitions: 2,
  actors: [
    async (shared, ctx) => {
      const { board } = shared;
      // It says why: the initializer's exception as its cause (or at least in its message).
      const brokenBy = (error: unknown) =>
        nameOf(error) === "BrokenThreadPool" &&
        /initiali[sz]er/i.test((error as Error).message) &&
        ((nameOf((error as Error).cause) === "JobFailed" &&
          ((error as Error).cause as Error).message === "no database") ||
          (error as Error).message.includes("no database"));
      const described = (error: unknown) =>
        error instanceof Error
          ? `${error.name}: ${error.message}${error.cause === undefined ? "" : ` (cause: ${nameOf(error.cause)}${error.cause instanceof Error ? `: ${error.cause.message}` : ""})`}`
          : nameOf(error);
      await withPool(
        ctx,
        shared,
        { maxWorkers: 2, initializer: failSetup, initArgs: ["no database"] },
        async (executor) => {
          ctx.at("submit() to a pool whose initializer fails");
          const futures = Array.from({ length: 6 }, (_, slot) => executor.submit<number>(mark, board, slot));
          rule(futures[5]!.cancel(), `cancel() of the last of 6 tasks, waiting for one of 2 workers, returned false`);
          for (const future of futures.slice(0, 5)) {
            const error = await future.exception();
            rule(
              brokenBy(error),
              `a task submitted to a pool whose initializer throws JobFailed("no database") ended with ${described(error)}: a BrokenThreadPool that names the initializer and says why (the initializer's exception as its cause)`,
            );
          }
          rule(
            nameOf(await rejection(futures[5]!.result())) === "CancelledError",
            `a task cancelled before the pool broke ended with ${described(await rejection(futures[5]!.result()))}, not CancelledError: it stays cancelled`,
          );
          const thrown = thrownBy(() => executor.submit(inc, 1));
          rule(
            brokenBy(thrown),
            `submit() to a broken pool gave ${thrown === undefined ? "a future" : described(thrown)}, not a BrokenThreadPool that names the initializer and says why (the initializer's exception as its cause)`,
          );
        },
      );
      const ran = Array.from({ length: 6 }, (_, slot) => slot).filter((slot) => arrived(board, slot) > 0);
      rule(ran.length === 0, `tasks ${ran.join(", ")} ran in a pool whose initializer failed: no task runs after it`);
    },
  ],
});
