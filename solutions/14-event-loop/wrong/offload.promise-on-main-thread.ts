// KNOWN WRONG: the work is wrapped in a Promise, but still runs on the event loop's own thread.
// A Promise's executor runs at once, on the calling thread; .then or setTimeout would only run it a little later, still there.
// While it runs no timer fires and no request is answered: it needs a worker. (To call the job here, it imports the tests' jobs.)

import * as jobs from "../../../katas/14-event-loop/jobs.ts";
import type { Target } from "#toolkit/start-worker.ts";

export type { Target };

export class Offloader {
  constructor(readonly maxWorkers: number) {
    if (!Number.isInteger(maxWorkers) || maxWorkers < 1)
      throw new RangeError(`maxWorkers must be a whole number of at least 1, not ${maxWorkers}`);
  }

  run<T = unknown>(job: Target, ...args: unknown[]): Promise<T> {
    const work = (jobs as unknown as Record<string, (...args: unknown[]) => unknown>)[job[1]]!;
    return new Promise((resolve) => resolve(work(...args) as T));
  }
}

export async function bootstrap(job: (...args: unknown[]) => unknown): Promise<void> {
  await job();
}
