import { describe, test } from "vitest";
import { kataSuite } from "#threadkata/suite.ts";
import type * as scenarios from "./executor.scenarios.ts";

const executor = kataSuite<typeof scenarios>("13-executor", new URL("./executor.scenarios.ts", import.meta.url));

// Five stages, in the order to build them: each group needs only the ones above it.
describe("13-executor: ThreadPoolExecutor", () => {
  describe("1 Future", () => {
    test("result() waits for setResult(); done(); a Future is awaitable", () => executor.stress("futureResult"));
    test("setException(): result() rejects with the error, exception() gives it", () =>
      executor.stress("futureException"));
    test("result(timeout) and exception(timeout): TimeoutError, not before the timeout", () =>
      executor.stress("futureTimeout"));
    test("cancel() succeeds only while pending; then CancelledError", () => executor.stress("futureCancel"));
    test("done callbacks: once each, in order, at once if done, exceptions reported", () =>
      executor.stress("futureCallbacks"));
    test("result(0) and exception(0) time out at once; setException() reaches the waiting result(timeout), exception(timeout) and the callbacks; a done future refuses setException()", () =>
      executor.stress("futureEdges"));
    test("String(future) says its state; the default reportCallbackError logs the exception and the future", () =>
      executor.stress("futureStrings"));
  });
  describe("2 dispatch", () => {
    test("workers are reused: wave after wave of tasks, at most maxWorkers threads", () =>
      executor.stress("workersReused"));
    test("thousands of tasks, more than workers: every result right", () => executor.stress("manyTasks"));
    test("never more than maxWorkers tasks at once; the rest wait, pending", () =>
      executor.stress("boundedConcurrency"));
    test("a held task does not hold up the others while a worker is free", () =>
      executor.stress("blockedTaskDoesNotBlockOthers"));
    test("initializer, initArgs, threadNamePrefix, default maxWorkers; maxWorkers below 1 refused", () =>
      executor.stress("initializerAndNames"));
  });
  describe("3 exceptions", () => {
    test("an exception keeps its name, message, stack, cause and fields", () =>
      executor.stress("exceptionsKeepIdentity"));
    test("thrown strings and objects, every built-in error class, a result that cannot be cloned; a throwing task does not kill its worker", () =>
      executor.stress("otherThrows"));
    test('null, undefined, 0, "", false, RangeError, rejections: each fails its future as thrown; twelve failures give both workers back', () =>
      executor.stress("failuresGiveWorkersBack"));
  });
  describe("4 map / asCompleted / wait", () => {
    test("map() yields in input order; a loop that stops early cancels the rest", () => executor.stress("mapInOrder"));
    test("map() re-throws a task's exception when it gets there", () => executor.stress("mapRethrows"));
    test("map(timeout) counts from the call", () => executor.stress("mapTimeout"));
    test("asCompleted() yields in completion order; its timeout", () => executor.stress("asCompletedOrder"));
    test("wait(): FIRST_COMPLETED, FIRST_EXCEPTION, ALL_COMPLETED, timeout", () => executor.stress("waitModes"));
    test("wait() and asCompleted(): no futures, a timeout of 0, cancelled futures", () =>
      executor.stress("waitAndAsCompletedEdges"));
  });
  describe("5 shutdown and cancel", () => {
    test("cancel(): waiting yes, running and finished no", () => executor.stress("cancelInPool"));
    test("shutdown() waits for the tasks and the workers; submit() then throws", () =>
      executor.stress("shutdownWaits"));
    test("shutdown({ wait: false }) returns at once; the tasks still run", () => executor.stress("shutdownNoWait"));
    test("shutdown({ cancelFutures: true }) cancels what has not started", () =>
      executor.stress("shutdownCancelFutures"));
    test("[Symbol.asyncDispose]() (await using) is shutdown()", () => executor.stress("asyncDispose"));
    test("a worker that dies fails its task's future, naming the cause; the pool goes on", () =>
      executor.stress("workerDies"));
    test("an initializer that throws breaks the pool (BrokenThreadPool, saying why); no task runs", () =>
      executor.stress("brokenPool"));
  });
});
