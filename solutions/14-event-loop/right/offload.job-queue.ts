// KNOWN RIGHT: a queue of jobs and a pump, and the caller answered as soon as the outcome arrives.
// run() queues the job with the caller's resolve and reject; pump() starts a worker for the
// oldest job while fewer than maxWorkers run. The caller's promise settles on the worker's message
// (no need to wait for the thread to go), but the worker's turn ends only at its "exit", so no
// more than maxWorkers threads ever exist; a worker that exits without a message rejects there.

import { parentPort, workerData } from "node:worker_threads";
import { startWorker, type Target } from "#toolkit/start-worker.ts";

export type { Target };

type Outcome = { returned: unknown } | { threw: unknown; name: string | undefined };

interface Queued {
  job: Target;
  args: unknown[];
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

export class Offloader {
  private readonly queue: Queued[] = [];
  private active = 0;

  constructor(readonly maxWorkers: number) {
    if (!Number.isInteger(maxWorkers) || maxWorkers < 1)
      throw new RangeError(`maxWorkers must be a whole number of at least 1, not ${maxWorkers}`);
  }

  run<T = unknown>(job: Target, ...args: unknown[]): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ job, args, resolve: resolve as (value: unknown) => void, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.active < this.maxWorkers && this.queue.length > 0) {
      const next = this.queue.shift()!;
      this.active++;
      this.start(next);
    }
  }

  private start({ job, args, resolve, reject }: Queued): void {
    let settled = false;
    const settle = (outcome: Outcome) => {
      if (settled) return;
      settled = true;
      if ("returned" in outcome) resolve(outcome.returned);
      else reject(named(outcome.threw, outcome.name));
    };
    let worker;
    try {
      worker = startWorker(job, { bootstrap: [import.meta.url, "bootstrap"], workerData: { args } });
    } catch (error) {
      // The job's module could not be loaded: this job fails, the turn goes on.
      this.active--;
      settle({ threw: error, name: undefined });
      this.pump();
      return;
    }
    worker.on("message", settle);
    worker.on("error", (error) => settle({ threw: error, name: error.name }));
    worker.on("exit", (code) => {
      settle({
        threw: new Error(`the worker for ${job[1]}() ended (exit code ${code}) without an outcome`),
        name: undefined,
      });
      this.active--;
      this.pump();
    });
  }
}

function named(error: unknown, name: string | undefined): unknown {
  if (error instanceof Error && name !== undefined) error.name = name;
  return error;
}

export async function bootstrap(job: (...args: unknown[]) => unknown): Promise<void> {
  const { args } = workerData as { args: unknown[] };
  let outcome: Outcome;
  try {
    outcome = { returned: await job(...args) };
  } catch (error) {
    outcome = { threw: error, name: error instanceof Error ? error.name : undefined };
  }
  parentPort!.postMessage(outcome);
}
