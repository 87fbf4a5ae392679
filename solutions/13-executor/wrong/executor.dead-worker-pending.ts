// KNOWN WRONG: a worker that dies leaves the future of the task it was running pending for ever:
// nobody will ever set its result, so whoever awaits it hangs.
// Python's concurrent.futures.ThreadPoolExecutor over long-lived worker threads. See
// katas/13-executor/README.md.
//
// The simple design (one task per idle worker, "running" from the moment it is posted) is correct;
// this one also sends work in batches, which is what makes many tiny tasks fast:
//
// - submit() only queues; a microtask later, flush() deals the queue out to the workers like cards,
//   one postMessage per batch (at most BATCH tasks), keeping up to WINDOW tasks in flight per
//   worker, so that the next batch waits in a worker's inbox while it runs one. A lone task goes
//   out at once, in that microtask.
// - A task posted ahead is not running yet, so it must still be cancellable. Each task in flight
//   has a claim word in shared memory: QUEUED when posted; the worker moves it to RUNNING with
//   compareExchange before it calls the task, the caller moves it to SKIP to cancel it; one of the
//   two wins, never both. running() and cancel() read the word.
// - A worker left idle while another holds tasks it has not started takes them over (the same
//   compareExchange to SKIP, then they are queued again), so a long task never holds up those
//   behind it while a worker is free: Python's one shared queue gives that for free.
// - Results go back one message per task, at once: the next task may block for ever, and a
//   finished task's future must not wait for it.

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

// Claim words: one per task in flight.
const FREE = 0;
const QUEUED = 1;
const RUNNING = 2;
const DONE = 3;
const SKIP = 4;
// What a worker reports per task: [slot, kind, payload].
const RETURNED = 0;
const RAISED = 1;
const SKIPPED = 2;

const BATCH = 256;
const WINDOW = 2 * BATCH;

let pools = 0;

/** What crosses the thread boundary for an exception: everything a structured clone would drop. */
type Transported =
  | { error: true; name: string; message: string; stack: string | undefined; cause?: Transported; props: Record<string, unknown> }
  | { error: false; value: unknown };

interface WorkerSetup {
  claims: SharedArrayBuffer;
  initializer: string | undefined;
  initArgs: readonly unknown[];
}

interface Batch {
  /** Task keys this worker has not seen yet, numbered on from those it has. */
  keys: string[];
  /** [slot, task number, args] per task. */
  work: unknown[];
}

class WorkItem {
  constructor(
    readonly future: PoolFuture<unknown>,
    readonly key: string,
    readonly args: unknown[],
  ) {}
}

interface PoolWorker {
  worker: Worker;
  name: string;
  /** Posted, not yet reported, in the order posted (a worker reports in that order). */
  inFlight: WorkItem[];
  slots: number[];
  head: number;
  known: Map<string, number>;
  error: Error | undefined;
  retiring: boolean;
}

class PoolFuture<T> extends Future<T> {
  slot = -1;
  constructor(private readonly claims: Int32Array) {
    super();
  }

  override running(): boolean {
    this.sync();
    return super.running();
  }

  override cancel(): boolean {
    if (this.slot >= 0 && Atomics.compareExchange(this.claims, this.slot, QUEUED, SKIP) === QUEUED) this.slot = -1;
    this.sync();
    return super.cancel();
  }

  /** A worker has claimed the task: the future is running (or finished, its result on its way). */
  sync(): void {
    if (this.slot < 0 || super.running() || this.done()) return;
    const claim = Atomics.load(this.claims, this.slot);
    if (claim === RUNNING || claim === DONE) this.setRunningOrNotifyCancel();
  }
}

export class ThreadPoolExecutor {
  readonly maxWorkers: number;
  private readonly prefix: string;
  private readonly options: ExecutorOptions;
  private readonly claims: Int32Array;
  private readonly free: number[];
  private readonly keys = new Map<Task, string>();
  private queue: WorkItem[] = [];
  private queueHead = 0;
  private workers: PoolWorker[] = [];
  private started = 0;
  private flushing = false;
  private closed = false;
  private broken: BrokenThreadPool | undefined;
  private allExited: Promise<void> | undefined;
  private exitedNow: (() => void) | undefined;

  constructor(options: ExecutorOptions = {}) {
    this.maxWorkers = options.maxWorkers ?? Math.min(32, os.availableParallelism() + 4);
    if (!(this.maxWorkers > 0)) throw new RangeError("maxWorkers must be greater than 0");
    this.prefix = options.threadNamePrefix ?? `ThreadPoolExecutor-${pools++}`;
    this.options = options;
    this.claims = new Int32Array(new SharedArrayBuffer(this.maxWorkers * WINDOW * 4));
    this.free = Array.from({ length: this.maxWorkers * WINDOW }, (_, slot) => slot).reverse();
  }

  /** Schedules task(...args) on a worker; the Future says how it went. */
  submit<R = unknown>(task: Task, ...args: unknown[]): Future<R> {
    if (this.broken) throw new BrokenThreadPool(this.broken.message, { cause: this.broken.cause });
    if (this.closed) throw new Error("cannot schedule new futures after shutdown");
    let key = this.keys.get(task);
    if (key === undefined) this.keys.set(task, (key = taskKey(task)));
    const future = new PoolFuture<unknown>(this.claims);
    this.queue.push(new WorkItem(future, key, args));
    if (!this.flushing) {
      this.flushing = true;
      queueMicrotask(() => {
        this.flushing = false;
        this.flush();
      });
    }
    return future as Future<unknown> as Future<R>;
  }

  /** task(item) for each item, submitted now; the results in input order. */
  map<R = unknown>(task: Task, items: Iterable<unknown>, options: MapOptions = {}): AsyncIterableIterator<R> {
    const deadline = options.timeout === undefined ? undefined : performance.now() + options.timeout;
    const futures = [...items].map((item) => this.submit<R>(task, item));
    return (async function* () {
      try {
        for (const future of futures) yield await future.result(deadline === undefined ? undefined : deadline - performance.now());
      } finally {
        for (const future of futures) future.cancel();
      }
    })();
  }

  /** Stops taking work; with wait, resolves once every task has finished and every worker has exited. */
  async shutdown({ wait = true, cancelFutures = false }: ShutdownOptions = {}): Promise<void> {
    this.closed = true;
    if (cancelFutures) {
      for (let at = this.queueHead; at < this.queue.length; at++) this.queue[at]!.future.cancel();
      for (const w of this.workers) for (let at = w.head; at < w.inFlight.length; at++) w.inFlight[at]!.future.cancel();
    }
    this.allExited ??= new Promise((resolve) => (this.exitedNow = resolve));
    this.retire();
    if (wait) await this.allExited;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.shutdown();
  }

  /** Hands the queue out to the workers, starting workers while there is more work than idle ones. */
  private flush(): void {
    while (this.queueHead < this.queue.length && this.queue[this.queueHead]!.future.cancelled()) this.queueHead++;
    const pending = this.queue.length - this.queueHead;
    const idle = this.workers.filter((w) => w.head === w.inFlight.length).length;
    for (let more = Math.min(pending - idle, this.maxWorkers - this.workers.length); more > 0; more--) this.startWorker();
    if (pending === 0) this.takeOver();
    // Deal the tasks like cards, each to the least loaded worker, up to WINDOW in flight each: the
    // next batch waits in a worker's inbox while it runs one, and tasks start nearly in FIFO order.
    const loads = this.workers.map((w) => w.inFlight.length - w.head);
    const hands: WorkItem[][] = this.workers.map(() => []);
    while (this.queueHead < this.queue.length) {
      let least = -1;
      for (let i = 0; i < loads.length; i++) if (loads[i]! < WINDOW && (least < 0 || loads[i]! < loads[least]!)) least = i;
      if (least < 0) break;
      const item = this.queue[this.queueHead++]!;
      if (item.future.cancelled()) continue;
      hands[least]!.push(item);
      loads[least]!++;
    }
    hands.forEach((hand, i) => hand.length > 0 && this.send(this.workers[i]!, hand));
    if (this.queueHead === this.queue.length && this.queueHead > 0) {
      this.queue = [];
      this.queueHead = 0;
    }
    this.retire();
  }

  /** One postMessage per BATCH tasks. */
  private send(w: PoolWorker, items: WorkItem[]): void {
    for (let from = 0; from < items.length; from += BATCH) {
      const batch: Batch = { keys: [], work: [] };
      for (const item of items.slice(from, from + BATCH)) {
        let task = w.known.get(item.key);
        if (task === undefined) {
          w.known.set(item.key, (task = w.known.size));
          batch.keys.push(item.key);
        }
        const slot = this.free.pop()!;
        Atomics.store(this.claims, slot, QUEUED);
        item.future.slot = slot;
        w.inFlight.push(item);
        w.slots.push(slot);
        batch.work.push(slot, task, item.args);
      }
      w.worker.postMessage(batch);
    }
    w.worker.ref(); // work to do keeps the program alive; an idle worker does not
  }

  /** An idle worker takes over the tasks another worker holds but has not started. */
  private takeOver(): void {
    if (!this.workers.some((w) => w.head === w.inFlight.length)) return;
    const busiest = this.workers.reduce((a, b) => (b.inFlight.length - b.head > a.inFlight.length - a.head ? b : a));
    const taken: WorkItem[] = [];
    for (let at = busiest.inFlight.length - 1; at > busiest.head; at--) {
      const item = busiest.inFlight[at]!;
      if (item.future.done()) continue;
      const claim = Atomics.compareExchange(this.claims, busiest.slots[at]!, QUEUED, SKIP);
      if (claim === SKIP) continue; // taken over before
      if (claim !== QUEUED) break; // started: so are those before it (a worker runs them in order)
      item.future.slot = -1;
      taken.unshift(new WorkItem(item.future, item.key, item.args)); // the old one is reported as skipped
    }
    this.queue.push(...taken);
  }

  private startWorker(): void {
    const name = `${this.prefix}_${this.started++}`;
    const setup: WorkerSetup = {
      claims: this.claims.buffer as SharedArrayBuffer,
      initializer: this.options.initializer && taskKey(this.options.initializer),
      initArgs: this.options.initArgs ?? [],
    };
    const worker = startTaskWorker([import.meta.url, "workerMain"], { workerData: setup, name, resourceLimits: this.options.resourceLimits });
    const w: PoolWorker = { worker, name, inFlight: [], slots: [], head: 0, known: new Map(), error: undefined, retiring: false };
    this.workers.push(w);
    worker.on("message", (message: unknown[] | { broken: Transported }) => (Array.isArray(message) ? this.report(w, message) : this.breakPool(w, message.broken)));
    worker.on("error", (error) => (w.error = error));
    worker.on("exit", (code) => this.exited(w, code));
  }

  private report(w: PoolWorker, results: unknown[]): void {
    for (let i = 0; i < results.length; i += 3) {
      const item = w.inFlight[w.head]!;
      const slot = w.slots[w.head++]!;
      Atomics.store(this.claims, slot, FREE);
      this.free.push(slot);
      const kind = results[i + 1];
      if (kind === SKIPPED) continue; // cancelled, or taken over by another worker
      item.future.slot = -1;
      if (kind === RETURNED) item.future.setResult(results[i + 2]);
      else item.future.setException(revive(results[i + 2] as Transported));
    }
    if (w.head === w.inFlight.length) {
      w.inFlight = [];
      w.slots = [];
      w.head = 0;
      w.worker.unref();
    }
    this.flush();
  }

  /** After shutdown(): once nothing is left to run, the idle workers go. */
  private retire(): void {
    if (!this.closed || this.queueHead < this.queue.length) return;
    for (const w of this.workers) {
      if (w.retiring || w.head !== w.inFlight.length) continue;
      w.retiring = true;
      void w.worker.terminate();
    }
    if (this.workers.length === 0) this.exitedNow?.();
  }

  private exited(w: PoolWorker, code: number): void {
    this.workers = this.workers.filter((other) => other !== w);
    const cause = w.error ? `${w.error.name}: ${w.error.message}` : `it exited with code ${code}`;
    const requeue: WorkItem[] = [];
    for (let at = w.head; at < w.inFlight.length; at++) {
      const item = w.inFlight[at]!;
      const slot = w.slots[at]!;
      const claim = Atomics.exchange(this.claims, slot, FREE);
      this.free.push(slot);
      if (item.future.done() || claim === SKIP) continue;
      item.future.slot = -1;
      if (claim === QUEUED) requeue.push(item); // never started: another worker runs it
      else if (claim === RUNNING) continue; // it was running: nothing more to do
      else item.future.setException(new WorkerDiedError(`the worker thread ${w.name} died after this task had finished, before its result was sent: ${cause}`));
    }
    if (this.broken) for (const item of requeue) item.future.done() || item.future.setException(this.broken);
    else this.queue.splice(this.queueHead, 0, ...requeue);
    this.flush();
  }

  /** An initializer failed: Python's BrokenThreadPool, for every task that has not started. */
  private breakPool(w: PoolWorker, error: Transported): void {
    if (!this.broken) {
      this.broken = new BrokenThreadPool(`a thread initializer failed (in ${w.name}), the thread pool is not usable anymore`, { cause: revive(error) });
    }
    this.closed = true;
    for (let at = this.queueHead; at < this.queue.length; at++) {
      const future = this.queue[at]!.future;
      if (!future.done()) future.setException(this.broken);
    }
    this.queueHead = this.queue.length;
    for (const other of this.workers) {
      for (let at = other.head; at < other.inFlight.length; at++) {
        const future = other.inFlight[at]!.future;
        if (future.done()) continue;
        if (other === w || Atomics.compareExchange(this.claims, other.slots[at]!, QUEUED, SKIP) === QUEUED) future.setException(this.broken);
      }
    }
    this.allExited ??= new Promise((resolve) => (this.exitedNow = resolve));
  }
}

// ---- In the worker thread ----

/** The worker's loop: runs each batch's tasks in order, one at a time, and reports them in batches. */
export function workerMain(setup: WorkerSetup): void {
  const port = parentPort!;
  const claims = new Int32Array(setup.claims);
  const tasks: ((...args: unknown[]) => unknown)[] = [];
  const inbox: Batch[] = [];
  let results: unknown[] = [];
  let busy = false;
  const send = () => {
    if (results.length === 0) return;
    const sending = results;
    results = [];
    try {
      port.postMessage(sending);
    } catch {
      // A value that cannot be cloned (a function, say): send them one by one, that one as an error.
      for (let i = 0; i < sending.length; i += 3) {
        try {
          port.postMessage(sending.slice(i, i + 3));
        } catch (error) {
          port.postMessage([sending[i], RAISED, transport(error)]);
        }
      }
    }
  };
  // A task that calls process.exit() ends the thread: send what is finished first.
  const exit = process.exit.bind(process);
  process.exit = ((code?: number) => {
    send();
    exit(code);
  }) as typeof process.exit;

  const ready = (async () => {
    if (setup.initializer) await (await loadTask(setup.initializer))(...setup.initArgs);
  })();
  ready.catch(() => {}); // reported by drain(), with the first batch

  const drain = async () => {
    busy = true;
    try {
      await ready;
    } catch (error) {
      port.postMessage({ broken: transport(error) });
      port.close(); // this worker takes no work: it ends
      return;
    }
    while (inbox.length > 0) {
      const { keys, work } = inbox.shift()!;
      for (const key of keys) tasks.push(await loadTask(key).catch((error: unknown) => () => Promise.reject(error)));
      for (let i = 0; i < work.length; i += 3) {
        const slot = work[i] as number;
        if (Atomics.compareExchange(claims, slot, QUEUED, RUNNING) !== QUEUED) {
          results.push(slot, SKIPPED, undefined);
          continue;
        }
        try {
          const value = tasks[work[i + 1] as number]!(...(work[i + 2] as unknown[]));
          results.push(slot, RETURNED, value instanceof Promise ? await value : value);
        } catch (error) {
          results.push(slot, RAISED, transport(error));
        }
        Atomics.store(claims, slot, DONE);
        // Sent before the next task starts, which may take long: a finished task's future must
        // not wait for it. (Batching results as well would be faster, and wrong for that reason.)
        send();
      }
    }
    send();
    busy = false;
  };
  port.on("message", (batch: Batch) => {
    inbox.push(batch);
    if (!busy) void drain();
  });
}

/** An exception as data: a structured clone would keep only message and stack, and call it Error. */
function transport(thrown: unknown): Transported {
  if (!(thrown instanceof Error)) return { error: false, value: thrown };
  const props: Record<string, unknown> = {};
  for (const key of Object.keys(thrown)) props[key] = (thrown as unknown as Record<string, unknown>)[key];
  const transported: Transported = { error: true, name: thrown.name, message: thrown.message, stack: thrown.stack, props };
  if ("cause" in thrown) transported.cause = transport(thrown.cause);
  return transported;
}

const builtins: Record<string, ErrorConstructor> = { Error, TypeError, RangeError, ReferenceError, SyntaxError, EvalError, URIError };

/** The exception again, in this thread: its name, message, the worker's stack, cause and own properties. */
function revive(transported: Transported): unknown {
  if (!transported.error) return transported.value;
  const error = new (builtins[transported.name] ?? Error)(transported.message);
  Object.defineProperty(error, "name", { value: transported.name, writable: true, configurable: true });
  Object.defineProperty(error, "stack", { value: transported.stack, writable: true, configurable: true });
  if (transported.cause) Object.defineProperty(error, "cause", { value: revive(transported.cause), writable: true, configurable: true });
  Object.assign(error, transported.props);
  return error;
}
