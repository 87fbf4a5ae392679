// KNOWN RIGHT: one driver loop per worker, pulling from an async queue: CPython's thread.py
// _worker() loop, moved to the pool's thread. Each worker has an async loop here that awaits the
// next item from the shared queue, marks it running (or skips it if it was cancelled meanwhile),
// sends it to its worker and awaits the answer, then pulls again. submit() only puts an item in
// the queue, and starts a new driver (and its worker) when no driver is idle and there are fewer
// than maxWorkers. shutdown() closes the queue: each driver drains what is left, then stops its
// worker. A driver whose worker dies fails that item and starts a new worker for the next one.

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

interface Item {
  future: Future<unknown>;
  key: string;
  args: unknown[];
}

/** What a worker answers: a value, an exception as data, or that its initializer failed. */
type Reply = { ok: unknown } | { failed: Packed } | { setupFailed: Packed };
type Packed =
  | { kind: "error"; name: string; message: string; stack?: string; cause?: Packed; own: Record<string, unknown> }
  | { kind: "value"; value: unknown };

/** How a task's turn on a worker ended: its reply, or the worker's death. */
type Ending = { reply: Reply } | { died: string };

/** A FIFO whose take() waits (as a promise) for the next item; undefined once closed and empty. */
class Channel<T> {
  private readonly items: T[] = [];
  private readonly takers: ((item: T | undefined) => void)[] = [];
  private closed = false;

  get idle(): number {
    return this.takers.length;
  }

  put(item: T): void {
    const taker = this.takers.shift();
    if (taker) taker(item);
    else this.items.push(item);
  }

  take(): Promise<T | undefined> {
    if (this.items.length > 0) return Promise.resolve(this.items.shift());
    if (this.closed) return Promise.resolve(undefined);
    return new Promise((resolve) => this.takers.push(resolve));
  }

  /** Takes out everything still waiting. */
  drain(): T[] {
    return this.items.splice(0);
  }

  close(): void {
    this.closed = true;
    for (const taker of this.takers.splice(0)) taker(undefined);
  }
}

let pools = 0;

export class ThreadPoolExecutor {
  readonly maxWorkers: number;
  private readonly prefix: string;
  private readonly options: ExecutorOptions;
  private readonly channel = new Channel<Item>();
  /** One promise per driver, settled once its loop has ended and its worker has exited. */
  private readonly drivers: Promise<void>[] = [];
  private workersStarted = 0;
  private closed = false;
  private broken: BrokenThreadPool | undefined;
  /** The worker each driver runs now, so that a broken pool can stop them all. */
  private readonly live = new Set<Worker>();

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
    const idle = this.channel.idle;
    this.channel.put({ future: future as Future<unknown>, key: taskKey(task), args });
    if (idle === 0 && this.drivers.length < this.maxWorkers) this.drivers.push(this.drive());
    return future;
  }

  map<R = unknown>(task: Task, items: Iterable<unknown>, options: MapOptions = {}): AsyncIterableIterator<R> {
    const deadline = options.timeout === undefined ? undefined : performance.now() + options.timeout;
    const futures = Array.from(items, (item) => this.submit<R>(task, item));
    async function* inOrder(): AsyncGenerator<R> {
      try {
        for (const future of futures)
          yield await future.result(deadline === undefined ? undefined : Math.max(0, deadline - performance.now()));
      } finally {
        for (const future of futures) future.cancel();
      }
    }
    return inOrder();
  }

  async shutdown({ wait = true, cancelFutures = false }: ShutdownOptions = {}): Promise<void> {
    this.closed = true;
    if (cancelFutures) for (const item of this.channel.drain()) item.future.cancel();
    this.channel.close();
    if (wait) await Promise.all(this.drivers);
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.shutdown();
  }

  /** A driver: one worker (a new one after each death), fed item after item until the queue closes. */
  private async drive(): Promise<void> {
    let worker: Worker | undefined;
    for (let item = await this.channel.take(); item; item = await this.channel.take()) {
      if (!item.future.setRunningOrNotifyCancel()) continue; // cancelled while it waited
      worker ??= this.startWorker();
      worker.ref(); // a task keeps the program alive; an idle worker does not
      const ending = await this.runOn(worker, item);
      worker.unref();
      if ("died" in ending) {
        worker = undefined;
        if (!item.future.done()) item.future.setException(this.broken ?? new WorkerDiedError(ending.died));
      } else if ("setupFailed" in ending.reply) {
        this.breakPool(item, ending.reply.setupFailed);
      } else if ("ok" in ending.reply) {
        item.future.setResult(ending.reply.ok);
      } else {
        item.future.setException(unpack(ending.reply.failed));
      }
    }
    if (worker) await this.stop(worker);
  }

  private startWorker(): Worker {
    const { initializer, initArgs = [], resourceLimits } = this.options;
    const name = `${this.prefix}_${this.workersStarted++}`;
    const worker = startTaskWorker([import.meta.url, "workerMain"], {
      workerData: { initializer: initializer && taskKey(initializer), initArgs },
      name,
      resourceLimits,
    });
    this.live.add(worker);
    worker.once("exit", () => this.live.delete(worker));
    return worker;
  }

  /** Sends one item to the worker; resolves with its reply, or with why the worker died first. */
  private runOn(worker: Worker, item: Item): Promise<Ending> {
    return new Promise((resolve) => {
      let failure: Error | undefined;
      const onError = (error: Error) => (failure = error);
      const onExit = (code: number) => {
        settle({
          died: `the worker thread ran this task and died: ${failure ? failure.message : `it exited with code ${code}`}`,
        });
      };
      const onReply = (reply: Reply) => settle({ reply });
      const settle = (ending: Ending) => {
        worker.off("message", onReply).off("error", onError).off("exit", onExit);
        resolve(ending);
      };
      worker.on("message", onReply).on("error", onError).on("exit", onExit);
      worker.postMessage({ key: item.key, args: item.args });
    });
  }

  private stop(worker: Worker): Promise<void> {
    return new Promise((resolve) => {
      if (!this.live.has(worker)) return resolve();
      worker.once("exit", () => resolve());
      void worker.terminate();
    });
  }

  /** An initializer failed: no more work, every waiting future fails, every driver ends. */
  private breakPool(item: Item, why: Packed): void {
    const cause = unpack(why);
    this.broken ??= new BrokenThreadPool(
      `an initializer failed: ${cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause)}`,
    );
    item.future.setException(this.broken);
    for (const waiting of this.channel.drain()) if (!waiting.future.done()) waiting.future.setException(this.broken);
    this.channel.close();
  }
}

// ---- In the worker thread ----

export function workerMain(workerData: unknown): void {
  const { initializer, initArgs } = workerData as { initializer?: string; initArgs: unknown[] };
  const port = parentPort!;
  const setup = initializer ? (async () => (await loadTask(initializer))(...initArgs))() : Promise.resolve();
  port.on("message", async ({ key, args }: { key: string; args: unknown[] }) => {
    try {
      await setup;
    } catch (error) {
      port.postMessage({ setupFailed: pack(error) } satisfies Reply);
      return;
    }
    let reply: Reply;
    try {
      reply = { ok: await (await loadTask(key))(...args) };
    } catch (error) {
      reply = { failed: pack(error) };
    }
    try {
      port.postMessage(reply);
    } catch (error) {
      port.postMessage({ failed: pack(error) } satisfies Reply); // a value a structured clone cannot copy
    }
  });
}

/** An exception as data that survives the structured clone whole. */
function pack(thrown: unknown): Packed {
  if (!(thrown instanceof Error)) return { kind: "value", value: thrown };
  const own: Record<string, unknown> = {};
  for (const key of Object.keys(thrown))
    if (key !== "name" && key !== "cause") own[key] = (thrown as unknown as Record<string, unknown>)[key];
  const packed: Packed = { kind: "error", name: thrown.name, message: thrown.message, stack: thrown.stack, own };
  if (thrown.cause !== undefined) packed.cause = pack(thrown.cause);
  return packed;
}

const standard = new Map<string, ErrorConstructor>(
  [TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError].map((type) => [type.name, type]),
);

function unpack(packed: Packed): unknown {
  if (packed.kind === "value") return packed.value;
  const error = new (standard.get(packed.name) ?? Error)(packed.message);
  const hidden = (value: unknown) => ({ value, writable: true, configurable: true, enumerable: false });
  if (error.name !== packed.name) Object.defineProperty(error, "name", hidden(packed.name));
  Object.defineProperty(error, "stack", hidden(packed.stack));
  if (packed.cause !== undefined) Object.defineProperty(error, "cause", hidden(unpack(packed.cause)));
  return Object.assign(error, packed.own);
}
