// Python's concurrent.futures.ThreadPoolExecutor over long-lived worker threads. Read
// katas/13-executor/README.md first: it goes stage by stage (2 dispatch, 3 exceptions, 4 map,
// 5 shutdown and cancel). The TODOs are yours; the types, the errors, the constructor and
// toolkit/task-worker.ts (starting a worker, loading a task in it) are ready.

import os from "node:os";
import { parentPort, type ResourceLimits } from "node:worker_threads";
import { NotImplementedError } from "#threadkata/errors.ts";
import { Future } from "#kata/13-executor/future.ts";
import { loadTask, startTaskWorker, taskKey, type Task } from "#toolkit/task-worker.ts";

export type { Task };

export interface ExecutorOptions {
  /** Defaults to min(32, cpus + 4), as in Python. */
  maxWorkers?: number;
  /** Called in each worker thread before its first task, with initArgs. */
  initializer?: Task;
  initArgs?: readonly unknown[];
  /** Worker names are `${threadNamePrefix}_0`, `_1`, ...; default "ThreadPoolExecutor-N". */
  threadNamePrefix?: string;
  /** Node's limits for each worker (heap size...): a worker that exceeds them dies. */
  resourceLimits?: ResourceLimits;
}

export interface MapOptions {
  /** Milliseconds from the call to map(): a result not ready by then throws TimeoutError. */
  timeout?: number;
}

export interface ShutdownOptions {
  /** Resolve only when every task has finished and every worker has exited (default true). */
  wait?: boolean;
  /** Cancel the tasks that have not started (default false). */
  cancelFutures?: boolean;
}

/** An initializer failed: the pool takes no more work, and its pending futures fail with this. */
export class BrokenThreadPool extends Error {
  override name = "BrokenThreadPool";
}

/** The worker thread running a task died (process.exit, resourceLimits, a crash). */
export class WorkerDiedError extends Error {
  override name = "WorkerDiedError";
}

let pools = 0;

export class ThreadPoolExecutor {
  readonly maxWorkers: number;
  private readonly prefix: string;
  private readonly options: ExecutorOptions;
  // TODO: the queue of tasks waiting for a worker, the workers (and what each is running), whether
  // the pool is shut down or broken, who waits for the workers to exit.

  constructor(options: ExecutorOptions = {}) {
    this.maxWorkers = options.maxWorkers ?? Math.min(32, os.availableParallelism() + 4);
    if (!(this.maxWorkers > 0)) throw new RangeError("maxWorkers must be greater than 0");
    this.prefix = options.threadNamePrefix ?? `ThreadPoolExecutor-${pools++}`;
    this.options = options;
  }

  /**
   * Schedules task(...args) on a worker and returns its Future at once. Starts a worker (up to
   * maxWorkers) when none is free: startTaskWorker([import.meta.url, "workerMain"], { workerData,
   * name: `${this.prefix}_${n}`, resourceLimits }). Throws after shutdown(), and BrokenThreadPool
   * once an initializer has failed.
   */
  submit<R = unknown>(task: Task, ...args: unknown[]): Future<R> {
    // TODO (stage 2): taskKey(task) names the task for the worker; queue the work, give it to a
    // free worker; the worker's "message" settles the future; "exit" frees (or loses) the worker.
    throw new NotImplementedError("13-executor", "ThreadPoolExecutor.submit()");
  }

  /** task(item) for each item, all submitted now; the results in input order; TimeoutError from the call. */
  map<R = unknown>(task: Task, items: Iterable<unknown>, options: MapOptions = {}): AsyncIterableIterator<R> {
    // TODO (stage 4): submit every item before returning (an async generator function would start
    // only at the first next()), then yield the results one by one, in order.
    throw new NotImplementedError("13-executor", "ThreadPoolExecutor.map()");
  }

  /** Stops taking work; with wait, resolves once every task has finished and every worker has exited. */
  shutdown(options: ShutdownOptions = {}): Promise<void> {
    // TODO (stage 5)
    throw new NotImplementedError("13-executor", "ThreadPoolExecutor.shutdown()");
  }

  /** `await using executor = new ThreadPoolExecutor()` shuts it down at the end of the block. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.shutdown();
  }
}

// ---- In the worker thread ----

/**
 * The worker's loop, in each worker thread: startTaskWorker calls it with the workerData you gave.
 * Runs the initializer first, then each task it is sent, one at a time: `await loadTask(key)` gives
 * the function. Sends each result (or exception, see transport()) back with parentPort.postMessage.
 * A task that throws must not end the loop.
 */
export function workerMain(workerData: unknown): void {
  // TODO (stage 2; the initializer and its failure: stage 5)
  throw new NotImplementedError("13-executor", "workerMain()");
}

/**
 * An exception as data that survives postMessage (stage 3). A structured clone keeps an Error's
 * message and stack, but calls every custom class "Error" and drops its own fields; whether it
 * keeps `cause` depends on the Node version. A thrown string or object is not an Error: keep it.
 */
function transport(thrown: unknown): unknown {
  // TODO
  throw new NotImplementedError("13-executor", "transport()");
}

/** The exception again, in the caller's thread: name, message, the worker's stack, cause, fields. */
function revive(sent: unknown): unknown {
  // TODO
  throw new NotImplementedError("13-executor", "revive()");
}

void [parentPort, loadTask, startTaskWorker, taskKey, transport, revive];
