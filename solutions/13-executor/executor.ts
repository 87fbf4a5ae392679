// Python's concurrent.futures.ThreadPoolExecutor over long-lived worker threads. See
// katas/13-executor/README.md.
//
// Python's own design, with messages for its queue: the pool thread keeps one FIFO queue of work
// and hands an item to a worker only when that worker is idle, one message each way per task. A
// worker runs one task at a time, so a long task never holds up the others while a worker is
// free, and cancel() is simple: a task is cancellable exactly while it is still in the queue.
// (right/executor.fast-shared-memory.ts is the same executor built for many tiny tasks: batches,
// results through shared memory, a doorbell. `npm run bench -- 13` says what each trick buys.)

import os from "node:os";
import { parentPort, type ResourceLimits, type Worker } from "node:worker_threads";
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

/** What crosses the thread boundary for an exception: everything a structured clone would drop. */
type Transported =
  | {
      error: true;
      name: string;
      message: string;
      stack: string | undefined;
      cause?: Transported;
      props: Record<string, unknown>;
    }
  | { error: false; value: unknown };

interface WorkerSetup {
  initializer: string | undefined;
  initArgs: readonly unknown[];
}

/** Pool thread → worker: run this. */
interface Job {
  key: string;
  args: unknown[];
}

/** Worker → pool thread: how the job ended, or that the initializer failed. */
type Outcome = { value: unknown } | { raised: Transported } | { broken: Transported };

interface WorkItem {
  future: Future<unknown>;
  job: Job;
}

interface PoolWorker {
  worker: Worker;
  name: string;
  /** The item it runs now; undefined while it is idle. */
  running: WorkItem | undefined;
  /** Its "error" event, if any: the cause of its death. */
  error: Error | undefined;
}

export class ThreadPoolExecutor {
  readonly maxWorkers: number;
  private readonly prefix: string;
  private readonly options: ExecutorOptions;
  private readonly queue = new WorkQueue();
  /** taskKey() bundles a task's module: once per task here, not once per submit(). */
  private readonly keys = new Map<Task, string>();
  private workers: PoolWorker[] = [];
  private started = 0;
  private closed = false;
  private broken: BrokenThreadPool | undefined;
  /** Resolves once the pool is shut down and its last worker has exited. */
  private readonly allExited: Promise<void>;
  private exitedNow!: () => void;

  constructor(options: ExecutorOptions = {}) {
    this.maxWorkers = options.maxWorkers ?? Math.min(32, os.availableParallelism() + 4);
    if (!(this.maxWorkers > 0)) throw new RangeError("maxWorkers must be greater than 0");
    this.prefix = options.threadNamePrefix ?? `ThreadPoolExecutor-${pools++}`;
    this.options = options;
    this.allExited = new Promise((resolve) => (this.exitedNow = resolve));
  }

  /** Schedules task(...args) on a worker; the Future says how it went. */
  submit<R = unknown>(task: Task, ...args: unknown[]): Future<R> {
    if (this.broken) throw new BrokenThreadPool(this.broken.message, { cause: this.broken.cause });
    if (this.closed) throw new Error("cannot schedule new futures after shutdown");
    let key = this.keys.get(task);
    // Stryker disable next-line ConditionalExpression: a cache; taskKey() gives the same key every time, only slower
    if (key === undefined) this.keys.set(task, (key = taskKey(task)));
    const future = new Future<unknown>();
    this.queue.push({ future, job: { key, args } });
    this.dispatch();
    return future as Future<R>;
  }

  /** task(item) for each item, submitted now; the results in input order. */
  map<R = unknown>(task: Task, items: Iterable<unknown>, options: MapOptions = {}): AsyncIterableIterator<R> {
    const deadline = options.timeout === undefined ? undefined : performance.now() + options.timeout;
    const futures = [...items].map((item) => this.submit<R>(task, item));
    return (async function* () {
      try {
        for (const future of futures)
          yield await future.result(deadline === undefined ? undefined : deadline - performance.now());
      } finally {
        for (const future of futures) future.cancel();
      }
    })();
  }

  /** Stops taking work; with wait, resolves once every task has finished and every worker has exited. */
  async shutdown({ wait = true, cancelFutures = false }: ShutdownOptions = {}): Promise<void> {
    this.closed = true;
    if (cancelFutures) for (const item of this.queue.drain()) item.future.cancel();
    this.retire();
    if (wait) await this.allExited;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.shutdown();
  }

  /** Gives queued work to idle workers, starting workers (up to maxWorkers) while none is idle. */
  private dispatch(): void {
    while (!this.queue.empty()) {
      const idle =
        this.workers.find((w) => w.running === undefined) ??
        (this.workers.length < this.maxWorkers ? this.startWorker() : undefined);
      if (!idle) return; // every worker is busy: the next one to finish takes the next item
      const item = this.queue.shift()!;
      if (!item.future.setRunningOrNotifyCancel()) continue; // cancelled while it waited
      idle.running = item;
      idle.worker.ref(); // work to do keeps the program alive; an idle worker does not
      idle.worker.postMessage(item.job);
    }
  }

  private startWorker(): PoolWorker {
    const name = `${this.prefix}_${this.started++}`;
    const setup: WorkerSetup = {
      initializer: this.options.initializer && taskKey(this.options.initializer),
      initArgs: this.options.initArgs ?? [],
    };
    const worker = startTaskWorker([import.meta.url, "workerMain"], {
      workerData: setup,
      name,
      resourceLimits: this.options.resourceLimits,
    });
    const w: PoolWorker = { worker, name, running: undefined, error: undefined };
    this.workers.push(w);
    // Listeners first, then unref(): on Node 20, adding a "message" listener refs the worker again.
    worker.on("message", (outcome: Outcome) => this.received(w, outcome));
    worker.on("error", (error) => (w.error = error));
    worker.on("exit", (code) => this.exited(w, code));
    worker.unref();
    return w;
  }

  /** A worker's message: its task's outcome (then it is idle again), or its initializer's failure. */
  private received(w: PoolWorker, outcome: Outcome): void {
    if ("broken" in outcome) return this.breakPool(w, outcome.broken);
    const item = w.running!;
    w.running = undefined;
    w.worker.unref();
    if ("raised" in outcome) item.future.setException(revive(outcome.raised));
    else item.future.setResult(outcome.value);
    this.dispatch();
    this.retire();
  }

  /** After shutdown(): once nothing is left to run, the idle workers go. */
  private retire(): void {
    if (!this.closed || !this.queue.empty()) return;
    for (const w of this.workers) if (w.running === undefined) void w.worker.terminate();
    if (this.workers.length === 0) this.exitedNow();
  }

  /** A worker is gone (its messages have all arrived by now): fail what it was running, go on. */
  private exited(w: PoolWorker, code: number): void {
    this.workers = this.workers.filter((other) => other !== w);
    const item = w.running; // not done: its outcome would have arrived first, and made the worker idle
    if (item) {
      const cause = w.error ? `${w.error.name}: ${w.error.message}` : `it exited with code ${code}`;
      item.future.setException(
        this.broken ?? new WorkerDiedError(`the worker thread ${w.name} died while running this task: ${cause}`),
      );
    }
    this.dispatch(); // a new worker for the queue, if there is work and the pool is not broken
    this.retire();
  }

  /** An initializer failed: Python's BrokenThreadPool, for every task that has not finished. The
   *  task this worker was given fails when it exits, which it does next (see exited()). */
  private breakPool(w: PoolWorker, error: Transported): void {
    this.broken ??= new BrokenThreadPool(
      `a thread initializer failed (in ${w.name}), the thread pool is not usable anymore`,
      { cause: revive(error) },
    );
    for (const item of this.queue.drain()) if (!item.future.done()) item.future.setException(this.broken); // cancelled ones stay so
  }
}

/** A FIFO queue with O(1) shift: an array and the index of its head. */
class WorkQueue {
  private items: WorkItem[] = [];
  private head = 0;

  push(item: WorkItem): void {
    this.items.push(item);
  }

  shift(): WorkItem | undefined {
    const item = this.items[this.head++];
    // Stryker disable next-line ConditionalExpression: frees the memory of the items taken; the queue reads the same
    if (this.head === this.items.length) ((this.items = []), (this.head = 0));
    return item;
  }

  empty(): boolean {
    return this.head === this.items.length;
  }

  /** Takes every item out. */
  drain(): WorkItem[] {
    const rest: WorkItem[] = [];
    while (!this.empty()) rest.push(this.shift()!);
    return rest;
  }
}

// ---- In the worker thread ----

/** The worker's loop: the initializer first, then each job it is sent, and how each ended. */
export function workerMain(setup: WorkerSetup): void {
  const port = parentPort!;
  const ready = (async () => {
    if (setup.initializer) await (await loadTask(setup.initializer))(...setup.initArgs);
  })();
  ready.catch((error: unknown) => {
    port.postMessage({ broken: transport(error) } satisfies Outcome);
    port.close(); // this worker takes no work: it ends
  });
  port.on("message", async ({ key, args }: Job) => {
    try {
      await ready;
    } catch {
      return; // broken: said once, above; no task runs here
    }
    let value: unknown;
    try {
      value = await (await loadTask(key))(...args);
    } catch (error) {
      port.postMessage({ raised: transport(error) } satisfies Outcome);
      return;
    }
    try {
      port.postMessage({ value } satisfies Outcome);
    } catch (error) {
      port.postMessage({ raised: transport(error) } satisfies Outcome); // a value that cannot be cloned (a function, say)
    }
  });
}

/** An exception as data: a structured clone would keep only message and stack, and call it Error. */
function transport(thrown: unknown): Transported {
  if (!(thrown instanceof Error)) return { error: false, value: thrown };
  const props: Record<string, unknown> = {};
  for (const key of Object.keys(thrown)) props[key] = (thrown as unknown as Record<string, unknown>)[key];
  const transported: Transported = {
    error: true,
    name: thrown.name,
    message: thrown.message,
    stack: thrown.stack,
    props,
  };
  if ("cause" in thrown) transported.cause = transport(thrown.cause);
  return transported;
}

const builtins: Record<string, ErrorConstructor> = {
  Error,
  TypeError,
  RangeError,
  ReferenceError,
  SyntaxError,
  EvalError,
  URIError,
};

/** The exception again, in this thread: its name, message, the worker's stack, cause and own properties. */
function revive(transported: Transported): unknown {
  if (!transported.error) return transported.value;
  const error = new (builtins[transported.name] ?? Error)(transported.message);
  Object.defineProperty(error, "name", { value: transported.name, writable: true, configurable: true });
  Object.defineProperty(error, "stack", { value: transported.stack, writable: true, configurable: true });
  if (transported.cause)
    Object.defineProperty(error, "cause", { value: revive(transported.cause), writable: true, configurable: true });
  Object.assign(error, transported.props);
  return error;
}
