// Moving CPU-heavy work off the event loop: Python's loop.run_in_executor(pool, fn, *args), on
// Node's worker_threads. Read katas/14-event-loop/README.md first.
// The TODOs are yours; the types, the constructor and toolkit/start-worker.ts are ready.

import { parentPort, workerData } from "node:worker_threads";
import { NotImplementedError } from "#threadkata/errors.ts";
import { startWorker, type Target } from "#toolkit/start-worker.ts";

export type { Target };

/**
 * Runs jobs on worker threads, at most `maxWorkers` at once, and hands each job's result (or its
 * error) back to the caller that awaits it. Python: loop.run_in_executor(executor, fn, *args).
 */
export class Offloader {
  // TODO: what does an Offloader need to remember? (how many jobs run now? who waits for a turn?)

  constructor(readonly maxWorkers: number) {
    if (!Number.isInteger(maxWorkers) || maxWorkers < 1)
      throw new RangeError(`maxWorkers must be a whole number of at least 1, not ${maxWorkers}`);
  }

  /**
   * Runs `job(...args)` on a worker thread and resolves with what it returns (or rejects with what
   * it throws, its name and message intact). Returns at once: never runs the job on this thread,
   * never blocks. While `maxWorkers` jobs run, further jobs wait for a turn, in order.
   *
   * The worker: startWorker(job, { bootstrap: [import.meta.url, "bootstrap"], workerData }).
   */
  run<T = unknown>(job: Target, ...args: unknown[]): Promise<T> {
    // TODO: wait for a turn (without blocking), start a worker for the job, settle with what it sends back.
    throw new NotImplementedError("14-event-loop", "run()");
  }
}

/**
 * Runs in the worker: startWorker calls it with the job function. Calls it with the arguments
 * (workerData is what run() sent), awaits it, and sends the starting thread its result or its error.
 */
export async function bootstrap(job: (...args: unknown[]) => unknown): Promise<void> {
  // TODO: parentPort.postMessage(...) the outcome, whichever it is.
  throw new NotImplementedError("14-event-loop", "bootstrap()");
}
