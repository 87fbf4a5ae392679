// KNOWN RIGHT: an async semaphore guards the workers, and errors cross as plain records. run()
// acquires a permit (a FIFO of waiting resolvers when none is free), runs the job in a fresh
// worker, and releases the permit once the worker has exited. The worker sends { name, message,
// stack } for an Error (or the thrown value itself), and the caller rebuilds an Error from it.

import { parentPort, workerData } from "node:worker_threads";
import { startWorker, type Target } from "#toolkit/start-worker.ts";

export type { Target };

type Report =
  | { kind: "value"; value: unknown }
  | { kind: "error"; name: string; message: string; stack: string | undefined }
  | { kind: "thrown"; value: unknown };

/** Counts permits; acquire() waits its turn on the event loop, never blocking it. */
class AsyncSemaphore {
  private readonly queue: (() => void)[] = [];

  constructor(private permits: number) {}

  acquire(): Promise<void> {
    if (this.permits > 0 && this.queue.length === 0) {
      this.permits--;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.queue.push(resolve));
  }

  release(): void {
    const next = this.queue.shift();
    if (next) next();
    else this.permits++;
  }
}

export class Offloader {
  private readonly permits: AsyncSemaphore;

  constructor(readonly maxWorkers: number) {
    if (!Number.isInteger(maxWorkers) || maxWorkers < 1)
      throw new RangeError(`maxWorkers must be a whole number of at least 1, not ${maxWorkers}`);
    this.permits = new AsyncSemaphore(maxWorkers);
  }

  async run<T = unknown>(job: Target, ...args: unknown[]): Promise<T> {
    await this.permits.acquire();
    let report: Report | undefined;
    let escaped: Error | undefined;
    let code: number;
    try {
      const worker = startWorker(job, { bootstrap: [import.meta.url, "bootstrap"], workerData: { args } });
      worker.on("message", (message: Report) => (report ??= message));
      worker.on("error", (error) => (escaped ??= error));
      code = await new Promise<number>((resolve) => worker.once("exit", resolve));
    } finally {
      this.permits.release();
    }
    if (report?.kind === "value") return report.value as T;
    if (report?.kind === "thrown") throw report.value;
    if (report?.kind === "error") throw rebuilt(report);
    throw escaped ?? new Error(`the worker for ${job[1]}() ended (exit code ${code}) without a report`);
  }
}

function rebuilt({ name, message, stack }: { name: string; message: string; stack: string | undefined }): Error {
  const error = new Error(message);
  error.name = name;
  if (stack !== undefined) error.stack = stack;
  return error;
}

export async function bootstrap(job: (...args: unknown[]) => unknown): Promise<void> {
  const { args } = workerData as { args: unknown[] };
  let report: Report;
  try {
    report = { kind: "value", value: await job(...args) };
  } catch (error) {
    report =
      error instanceof Error
        ? { kind: "error", name: error.name, message: error.message, stack: error.stack }
        : { kind: "thrown", value: error };
  }
  parentPort!.postMessage(report);
}
