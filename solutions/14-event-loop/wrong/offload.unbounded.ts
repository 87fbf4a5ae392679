// KNOWN WRONG: a worker per job, with no bound: maxWorkers is ignored, and a burst of requests starts a burst of threads.
// 1,000 requests at once would start 1,000 threads, each with its own heap and event loop; a bound queues the rest.

import { parentPort, workerData } from "node:worker_threads";
import { startWorker, type Target } from "#toolkit/start-worker.ts";

export type { Target };

/** What a job's worker sends back: its result, or its error (and the error's name, which a clone loses). */
type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown; name?: string };

export class Offloader {
  constructor(readonly maxWorkers: number) {
    if (!Number.isInteger(maxWorkers) || maxWorkers < 1)
      throw new RangeError(`maxWorkers must be a whole number of at least 1, not ${maxWorkers}`);
  }

  async run<T = unknown>(job: Target, ...args: unknown[]): Promise<T> {
    return (await this.inWorker(job, args)) as T; // no turn to wait for: every job gets its worker at once
  }

  private inWorker(job: Target, args: unknown[]): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const worker = startWorker(job, { bootstrap: [import.meta.url, "bootstrap"], workerData: { args } });
      let outcome: Outcome | undefined;
      worker.on("message", (message: Outcome) => (outcome = message));
      // What escapes bootstrap (it should not): Node's copy of the error.
      worker.on("error", (error) => (outcome ??= { ok: false, error, name: error.name }));
      // Settle at "exit", when the thread is gone: its last message has been delivered by then, and a
      // turn is never handed on while the worker that had it still runs.
      worker.on("exit", (code) => {
        if (outcome?.ok) resolve(outcome.value);
        else if (outcome) reject(withName(outcome.error, outcome.name));
        else reject(new Error(`the worker for ${job[1]}() ended (exit code ${code}) without sending a result`));
      });
    });
  }
}

function withName(error: unknown, name: string | undefined): unknown {
  if (error instanceof Error && name) error.name = name;
  return error;
}

export async function bootstrap(job: (...args: unknown[]) => unknown): Promise<void> {
  const { args } = workerData as { args: unknown[] };
  let outcome: Outcome;
  try {
    outcome = { ok: true, value: await job(...args) };
  } catch (error) {
    outcome = { ok: false, error, name: error instanceof Error ? error.name : undefined };
  }
  parentPort!.postMessage(outcome);
}
