// KNOWN RIGHT: the simplest pool. One FIFO queue of tasks in the caller's thread; a worker gets
// one task at a time, as a message { key, args }, and answers with one message (its value, or its
// exception described as data); then it gets the next. No shared memory, no batches. A worker
// that exits under a task fails that task; an initializer that throws breaks the pool.

import os from "node:os";
import { parentPort, type ResourceLimits, type Worker } from "node:worker_threads";
import { Future } from "#kata/13-executor/future.ts";
import { loadTask, startTaskWorker, taskKey, type Task } from "#toolkit/task-worker.ts";

export type { Task };

export interface ExecutorOptions {
  maxWorkers?: number;
  initializer?: Task;
  initArgs?: readonly unknown[];
  threadNamePrefix?: string;
  resourceLimits?: ResourceLimits;
}

export interface MapOptions {
  timeout?: number;
}

export interface ShutdownOptions {
  wait?: boolean;
  cancelFutures?: boolean;
}

export class BrokenThreadPool extends Error {
  override name = "BrokenThreadPool";
}

export class WorkerDiedError extends Error {
  override name = "WorkerDiedError";
}

/** What a worker is sent: a task to run, or nothing more to do. */
type Order = { run: string; args: unknown[] } | { stop: true };
/** What a worker answers. */
type Answer = { value: unknown } | { thrown: Sent } | { initializerFailed: Sent };
/** An exception as data: an Error taken apart, or any other thrown value as it was. */
type Sent = { error: ErrorParts } | { value: unknown };
interface ErrorParts {
  name: string;
  message: string;
  stack: string | undefined;
  cause?: Sent;
  fields: Record<string, unknown>;
}

interface Work {
  future: Future<unknown>;
  key: string;
  args: unknown[];
}

interface PoolWorker {
  worker: Worker;
  name: string;
  doing: Work | undefined;
  /** Why it died, if its "error" event said (out of memory, say). */
  failure: Error | undefined;
}

let pools = 0;

export class ThreadPoolExecutor {
  readonly maxWorkers: number;
  private readonly prefix: string;
  private readonly options: ExecutorOptions;
  private readonly queue: Work[] = [];
  private readonly workers = new Set<PoolWorker>();
  private started = 0;
  private closed = false;
  private broken: BrokenThreadPool | undefined;
  private whenEmpty: (() => void)[] = [];

  constructor(options: ExecutorOptions = {}) {
    this.maxWorkers = options.maxWorkers ?? Math.min(32, os.availableParallelism() + 4);
    if (!(this.maxWorkers > 0)) throw new RangeError("maxWorkers must be greater than 0");
    this.prefix = options.threadNamePrefix ?? `ThreadPoolExecutor-${pools++}`;
    this.options = options;
  }

  submit<R = unknown>(task: Task, ...args: unknown[]): Future<R> {
    if (this.broken) throw this.broken;
    if (this.closed) throw new Error("cannot schedule new futures after shutdown");
    const future = new Future<R>();
    this.queue.push({ future: future as Future<unknown>, key: taskKey(task), args });
    this.dispatch();
    return future;
  }

  map<R = unknown>(task: Task, items: Iterable<unknown>, options: MapOptions = {}): AsyncIterableIterator<R> {
    const deadline = options.timeout === undefined ? undefined : performance.now() + options.timeout;
    const futures = [...items].map((item) => this.submit<R>(task, item));
    return (async function* results() {
      try {
        for (const future of futures) {
          yield await (deadline === undefined ? future.result() : future.result(Math.max(0, deadline - performance.now())));
        }
      } finally {
        for (const future of futures) future.cancel();
      }
    })();
  }

  shutdown({ wait = true, cancelFutures = false }: ShutdownOptions = {}): Promise<void> {
    this.closed = true;
    if (cancelFutures) for (const work of this.queue.splice(0)) work.future.cancel();
    this.retireIdle();
    if (!wait) return Promise.resolve();
    return new Promise((resolve) => {
      this.whenEmpty.push(resolve);
      this.checkEmpty();
    });
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.shutdown();
  }

  /** Hands queued work to idle workers, starting workers while there are fewer than maxWorkers. */
  private dispatch(): void {
    while (this.queue.length > 0) {
      const idle = [...this.workers].find((w) => w.doing === undefined) ?? (this.workers.size < this.maxWorkers ? this.startWorker() : undefined);
      if (!idle) return;
      const work = this.queue.shift()!;
      if (!work.future.setRunningOrNotifyCancel()) continue; // cancelled while it waited
      idle.doing = work;
      idle.worker.ref(); // work keeps the program alive; an idle worker does not
      idle.worker.postMessage({ run: work.key, args: work.args } satisfies Order);
    }
    this.retireIdle();
  }

  private startWorker(): PoolWorker {
    const name = `${this.prefix}_${this.started++}`;
    const { initializer, initArgs = [], resourceLimits } = this.options;
    const workerData = { initializer: initializer && taskKey(initializer), initArgs };
    const worker = startTaskWorker([import.meta.url, "workerMain"], { workerData, name, resourceLimits });
    const pooled: PoolWorker = { worker, name, doing: undefined, failure: undefined };
    this.workers.add(pooled);
    worker.on("message", (answer: Answer) => this.answered(pooled, answer));
    worker.on("error", (error) => (pooled.failure = error));
    worker.on("exit", (code) => this.exited(pooled, code));
    return pooled;
  }

  private answered(pooled: PoolWorker, answer: Answer): void {
    if ("initializerFailed" in answer) {
      this.breakPool(new BrokenThreadPool(`an initializer failed in ${pooled.name}: ${describe(revive(answer.initializerFailed))}`));
      return;
    }
    const work = pooled.doing!;
    pooled.doing = undefined;
    pooled.worker.unref();
    if ("value" in answer) work.future.setResult(answer.value);
    else work.future.setException(revive(answer.thrown));
    this.dispatch();
  }

  private exited(pooled: PoolWorker, code: number): void {
    this.workers.delete(pooled);
    const lost = pooled.doing;
    if (lost && !lost.future.done()) {
      const cause = pooled.failure ? pooled.failure.message : `it exited with code ${code}`;
      lost.future.setException(new WorkerDiedError(`the worker ${pooled.name} running this task died: ${cause}`));
    }
    if (!this.broken) this.dispatch();
    this.checkEmpty();
  }

  private breakPool(error: BrokenThreadPool): void {
    if (this.broken) return;
    this.broken = error;
    for (const work of this.queue.splice(0)) if (!work.future.done()) work.future.setException(error);
    for (const pooled of this.workers) {
      if (pooled.doing && !pooled.doing.future.done()) pooled.doing.future.setException(error);
      pooled.doing = undefined;
      void pooled.worker.terminate();
    }
  }

  /** Once shut down and out of work, the idle workers are told to stop. */
  private retireIdle(): void {
    if (!this.closed || this.queue.length > 0) return;
    for (const pooled of this.workers) {
      if (pooled.doing === undefined) pooled.worker.postMessage({ stop: true } satisfies Order);
    }
  }

  private checkEmpty(): void {
    if (this.workers.size > 0 || this.queue.length > 0) return;
    for (const resolve of this.whenEmpty.splice(0)) resolve();
  }
}

// ---- In the worker thread ----

export function workerMain(workerData: unknown): void {
  const { initializer, initArgs } = workerData as { initializer?: string; initArgs: unknown[] };
  const port = parentPort!;
  const ready = (async () => {
    if (initializer) await (await loadTask(initializer))(...initArgs);
  })();
  ready.then(
    () => {
      port.on("message", async (order: Order) => {
        if ("stop" in order) return port.close();
        let answer: Answer;
        try {
          answer = { value: await (await loadTask(order.run))(...order.args) };
        } catch (thrown) {
          answer = { thrown: transport(thrown) };
        }
        port.postMessage(answer);
      });
    },
    (thrown: unknown) => {
      port.postMessage({ initializerFailed: transport(thrown) } satisfies Answer);
      port.close();
    },
  );
}

/** An exception taken apart into data a structured clone keeps whole. */
function transport(thrown: unknown): Sent {
  if (!(thrown instanceof Error)) return { value: thrown };
  const fields: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(thrown)) if (field !== "name" && field !== "cause") fields[field] = value;
  const parts: ErrorParts = { name: thrown.name, message: thrown.message, stack: thrown.stack, fields };
  if ("cause" in thrown) parts.cause = transport(thrown.cause);
  return { error: parts };
}

const builtIn: Record<string, new (message: string) => Error> = { TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError };

/** The exception put back together in the caller's thread. */
function revive(sent: Sent): unknown {
  if ("value" in sent) return sent.value;
  const { name, message, stack, cause, fields } = sent.error;
  const error = new (builtIn[name] ?? Error)(message);
  if (error.name !== name) Object.defineProperty(error, "name", { value: name, writable: true, configurable: true, enumerable: false });
  Object.defineProperty(error, "stack", { value: stack, writable: true, configurable: true, enumerable: false });
  if (cause !== undefined) Object.defineProperty(error, "cause", { value: revive(cause), writable: true, configurable: true, enumerable: false });
  return Object.assign(error, fields);
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
