// KNOWN RIGHT: the fast design, for many tiny tasks (a subject of `npm run bench -- 13`, tested by
// the self-check like the reference). Python's concurrent.futures.ThreadPoolExecutor over
// long-lived worker threads; see katas/13-executor/README.md.
//
// The simple design (one task per idle worker, one message each way per task) is correct; this one
// is built to carry many tiny tasks, where the messages are the cost:
//
// - submit() only queues; a microtask later, flush() deals the queue out to the workers like cards,
//   one postMessage per batch (at most BATCH tasks), keeping up to WINDOW tasks in flight per
//   worker, so that the next batch waits in a worker's inbox while it runs one. A lone task goes
//   out at once, in that microtask.
// - Each task in flight has a slot in shared memory: a claim word, and room for a number. The
//   claim says where the task is: QUEUED when posted; the worker moves it to RUNNING with
//   compareExchange before it calls the task, the caller moves it to SKIP to cancel it (one of the
//   two wins, never both); when the task ends, the worker writes how (NUMBER, UNDEFINED, or SENT
//   when the outcome went by message) and rings a doorbell word.
// - So results need no message when they are a number or undefined: the pool thread waits on the
//   doorbell with Atomics.waitAsync and, each time it rings, collects every finished slot at once.
//   A worker only notifies while the pool thread is asleep on it (the ASLEEP word).
// - Nothing finished waits for what comes after it: the outcome is in shared memory (or its
//   message posted) before the worker starts its next task, which may block for ever.
// - A worker left idle while another holds tasks it has not started takes them over (the same
//   compareExchange to SKIP, then they are queued again), so a long task never holds up those
//   behind it while a worker is free: Python's one shared queue gives that for free.

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

// Claim words, one per task in flight. The caller writes FREE, QUEUED and SKIP; the worker the rest.
const FREE = 0;
const QUEUED = 1;
const RUNNING = 2;
const SKIP = 3; // cancelled or taken over before it started
const PASSED = 4; // ... and the worker has gone past it
const NUMBER = 5; // finished: returned the number in its value slot
const UNDEFINED = 6; // finished: returned undefined
const SENT = 7; // finished: the outcome went by message (any other value, an exception)
// The signal words.
const BELL = 0; // a worker adds 1 each time it finishes or passes a task
const ASLEEP = 1; // 1 while the pool thread waits for the bell
// What a worker's message says of a task: [slot, kind, payload].
const RETURNED = 0;
const RAISED = 1;

const BATCH = 256;
const WINDOW = 2 * BATCH;

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
  claims: SharedArrayBuffer;
  values: SharedArrayBuffer;
  signals: SharedArrayBuffer;
  initializer: string | undefined;
  initArgs: readonly unknown[];
}

interface Batch {
  /** Task keys this worker has not seen yet, numbered on from those it has. */
  keys: string[];
  /** slot, task number, argument count, the arguments; per task, flat (one clone, not one per task). */
  work: unknown[];
}

interface PoolWorker {
  worker: Worker;
  name: string;
  /** Posted and not yet collected, in the order posted (a worker runs them in that order)... */
  inFlight: PoolFuture<unknown>[];
  /** ... and the slot each was posted with. */
  slots: number[];
  head: number;
  known: Map<string, number>;
  error: Error | undefined;
  retiring: boolean;
}

class PoolFuture<T> extends Future<T> {
  /** Its slot while it is in flight and can still be cancelled there; -1 otherwise. */
  slot = -1;
  constructor(
    private readonly claims: Int32Array,
    readonly key: string,
    readonly args: unknown[],
  ) {
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

  /** A worker has claimed the task: the future is running (or finished, its outcome not collected yet). */
  sync(): void {
    if (this.slot < 0 || super.running() || this.done()) return;
    const claim = Atomics.load(this.claims, this.slot);
    if (claim === RUNNING || claim >= NUMBER) this.setRunningOrNotifyCancel();
  }
}

export class ThreadPoolExecutor {
  readonly maxWorkers: number;
  private readonly prefix: string;
  private readonly options: ExecutorOptions;
  private readonly claims: Int32Array;
  private readonly values: Float64Array;
  private readonly signals = new Int32Array(new SharedArrayBuffer(2 * 4));
  private readonly free: number[];
  /** The future posted in each slot, so that a message naming the slot finds it. */
  private readonly owners: (PoolFuture<unknown> | undefined)[];
  private readonly keys = new Map<Task, string>();
  private queue: PoolFuture<unknown>[] = [];
  private queueHead = 0;
  private workers: PoolWorker[] = [];
  private started = 0;
  private flushing = false;
  private listening = false;
  /** The bell, as read before the last collect(). */
  private rung = 0;
  private closed = false;
  private broken: BrokenThreadPool | undefined;
  private allExited: Promise<void> | undefined;
  private exitedNow: (() => void) | undefined;

  constructor(options: ExecutorOptions = {}) {
    this.maxWorkers = options.maxWorkers ?? Math.min(32, os.availableParallelism() + 4);
    if (!(this.maxWorkers > 0)) throw new RangeError("maxWorkers must be greater than 0");
    this.prefix = options.threadNamePrefix ?? `ThreadPoolExecutor-${pools++}`;
    this.options = options;
    const slots = this.maxWorkers * WINDOW;
    this.claims = new Int32Array(new SharedArrayBuffer(slots * 4));
    this.values = new Float64Array(new SharedArrayBuffer(slots * 8));
    this.free = Array.from({ length: slots }, (_, slot) => slots - 1 - slot);
    this.owners = new Array(slots).fill(undefined);
  }

  /** Schedules task(...args) on a worker; the Future says how it went. */
  submit<R = unknown>(task: Task, ...args: unknown[]): Future<R> {
    if (this.broken) throw new BrokenThreadPool(this.broken.message, { cause: this.broken.cause });
    if (this.closed) throw new Error("cannot schedule new futures after shutdown");
    let key = this.keys.get(task);
    if (key === undefined) this.keys.set(task, (key = taskKey(task)));
    const future = new PoolFuture<unknown>(this.claims, key, args);
    this.queue.push(future);
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
    if (cancelFutures) {
      for (let at = this.queueHead; at < this.queue.length; at++) this.queue[at]!.cancel();
      for (const w of this.workers) for (let at = w.head; at < w.inFlight.length; at++) w.inFlight[at]!.cancel();
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
    while (this.queueHead < this.queue.length && this.queue[this.queueHead]!.cancelled()) this.queueHead++;
    const pending = this.queue.length - this.queueHead;
    const idle = this.workers.filter((w) => w.head === w.inFlight.length).length;
    for (let more = Math.min(pending - idle, this.maxWorkers - this.workers.length); more > 0; more--)
      this.startWorker();
    if (pending === 0) this.takeOver();
    // Deal the tasks like cards, each to the least loaded worker, up to WINDOW in flight each: the
    // next batch waits in a worker's inbox while it runs one, and tasks start nearly in FIFO order.
    const loads = this.workers.map((w) => w.inFlight.length - w.head);
    const hands: PoolFuture<unknown>[][] = this.workers.map(() => []);
    while (this.queueHead < this.queue.length) {
      let least = -1;
      for (let i = 0; i < loads.length; i++)
        if (loads[i]! < WINDOW && (least < 0 || loads[i]! < loads[least]!)) least = i;
      if (least < 0) break;
      const future = this.queue[this.queueHead++]!;
      if (future.cancelled()) continue;
      hands[least]!.push(future);
      loads[least]!++;
    }
    hands.forEach((hand, i) => hand.length > 0 && this.send(this.workers[i]!, hand));
    if (this.queueHead === this.queue.length && this.queueHead > 0) {
      this.queue = [];
      this.queueHead = 0;
    }
    this.listen();
    this.retire();
  }

  /** One postMessage per BATCH tasks. */
  private send(w: PoolWorker, futures: PoolFuture<unknown>[]): void {
    for (let from = 0; from < futures.length; from += BATCH) {
      const batch: Batch = { keys: [], work: [] };
      for (let at = from; at < Math.min(from + BATCH, futures.length); at++) {
        const future = futures[at]!;
        let task = w.known.get(future.key);
        if (task === undefined) {
          w.known.set(future.key, (task = w.known.size));
          batch.keys.push(future.key);
        }
        const slot = this.free.pop()!;
        Atomics.store(this.claims, slot, QUEUED);
        this.owners[slot] = future;
        future.slot = slot;
        w.inFlight.push(future);
        w.slots.push(slot);
        batch.work.push(slot, task, future.args.length, ...future.args);
      }
      w.worker.postMessage(batch);
    }
    w.worker.ref(); // work to do keeps the program alive; an idle worker does not
  }

  /** Waits for the doorbell while any task is in flight; collects when it rings. */
  private listen(): void {
    if (this.listening || !this.workers.some((w) => w.head < w.inFlight.length)) return;
    this.listening = true;
    // Wait for the bell to differ from what it said before the last collect() looked: a task that
    // finished since then must wake us (reading it now could miss one: a lost wakeup). ASLEEP is
    // set before the bell is compared; a worker rings, then looks at ASLEEP: one sees the other.
    Atomics.store(this.signals, ASLEEP, 1);
    const wait = Atomics.waitAsync(this.signals, BELL, this.rung);
    const wake = () => {
      this.listening = false;
      this.collect();
    };
    // It rang already: collect on the next turn of the event loop, not in a microtask, so that a
    // busy pool never keeps its own messages (and everyone's timers) waiting.
    if (wait.async) void wait.value.then(wake);
    else setImmediate(wake);
  }

  /** Settles each worker's finished tasks, in the order it ran them, and frees their slots. */
  private collect(): void {
    this.rung = Atomics.load(this.signals, BELL);
    for (const w of this.workers) {
      for (; w.head < w.inFlight.length; w.head++) {
        const slot = w.slots[w.head]!;
        const future = w.inFlight[w.head]!;
        const claim = Atomics.load(this.claims, slot);
        if (claim === NUMBER) this.finish(future, false, this.values[slot]);
        else if (claim === UNDEFINED) this.finish(future, false, undefined);
        else if (claim === SENT) {
          if (!future.done()) break; // its message is on its way
        } else if (claim !== PASSED) break; // not finished yet, nor are those after it
        this.release(slot);
      }
      if (w.head === w.inFlight.length && w.head > 0) {
        w.inFlight = [];
        w.slots = [];
        w.head = 0;
        w.worker.unref();
      }
    }
    this.flush();
  }

  /** The task's outcome, from shared memory or a message: its return value, or what it raised. */
  private finish(future: PoolFuture<unknown>, raised: boolean, outcome: unknown): void {
    future.sync(); // running first, as Python's futures go
    future.slot = -1;
    if (raised) future.setException(outcome);
    else future.setResult(outcome);
  }

  private release(slot: number): void {
    Atomics.store(this.claims, slot, FREE);
    this.owners[slot] = undefined;
    this.free.push(slot);
  }

  /** A worker's message: a task's outcome that is not a number or undefined. */
  private received(message: unknown[]): void {
    const raised = message[1] === RAISED;
    this.finish(this.owners[message[0] as number]!, raised, raised ? revive(message[2] as Transported) : message[2]);
    this.collect();
  }

  /** An idle worker takes over the tasks another worker holds but has not started. */
  private takeOver(): void {
    if (!this.workers.some((w) => w.head === w.inFlight.length)) return;
    const busiest = this.workers.reduce((a, b) => (b.inFlight.length - b.head > a.inFlight.length - a.head ? b : a));
    const taken: PoolFuture<unknown>[] = [];
    for (let at = busiest.inFlight.length - 1; at > busiest.head; at--) {
      const future = busiest.inFlight[at]!;
      if (future.done()) continue;
      const claim = Atomics.compareExchange(this.claims, busiest.slots[at]!, QUEUED, SKIP);
      if (claim === SKIP || claim === PASSED) continue; // taken over before
      if (claim !== QUEUED) break; // started: so are those before it (a worker runs them in order)
      future.slot = -1;
      taken.unshift(future); // its old slot is freed when the worker has passed it
    }
    this.queue.push(...taken);
  }

  private startWorker(): void {
    const name = `${this.prefix}_${this.started++}`;
    const setup: WorkerSetup = {
      claims: this.claims.buffer as SharedArrayBuffer,
      values: this.values.buffer as SharedArrayBuffer,
      signals: this.signals.buffer as SharedArrayBuffer,
      initializer: this.options.initializer && taskKey(this.options.initializer),
      initArgs: this.options.initArgs ?? [],
    };
    const worker = startTaskWorker([import.meta.url, "workerMain"], {
      workerData: setup,
      name,
      resourceLimits: this.options.resourceLimits,
    });
    const w: PoolWorker = {
      worker,
      name,
      inFlight: [],
      slots: [],
      head: 0,
      known: new Map(),
      error: undefined,
      retiring: false,
    };
    this.workers.push(w);
    worker.on("message", (message: unknown[] | { broken: Transported }) =>
      Array.isArray(message) ? this.received(message) : this.breakPool(w, message.broken),
    );
    worker.on("error", (error) => (w.error = error));
    worker.on("exit", (code) => this.exited(w, code));
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

  /** A worker is gone (its messages have all arrived by now): settle or re-queue what it held. */
  private exited(w: PoolWorker, code: number): void {
    this.workers = this.workers.filter((other) => other !== w);
    const cause = w.error ? `${w.error.name}: ${w.error.message}` : `it exited with code ${code}`;
    const requeue: PoolFuture<unknown>[] = [];
    for (let at = w.head; at < w.inFlight.length; at++) {
      const future = w.inFlight[at]!;
      const slot = w.slots[at]!;
      const claim = Atomics.load(this.claims, slot);
      const value = this.values[slot];
      this.release(slot);
      if (future.done() || claim === SKIP || claim === PASSED) continue;
      if (claim === NUMBER || claim === UNDEFINED) this.finish(future, false, claim === NUMBER ? value : undefined);
      else if (claim === QUEUED)
        ((future.slot = -1), requeue.push(future)); // never started: another worker runs it
      else if (claim === RUNNING)
        future.setException(new WorkerDiedError(`the worker thread ${w.name} died while running this task: ${cause}`));
      else
        future.setException(
          new WorkerDiedError(
            `the worker thread ${w.name} died after this task had finished, before its result was sent: ${cause}`,
          ),
        );
    }
    if (this.broken) for (const future of requeue) future.done() || future.setException(this.broken);
    else this.queue.splice(this.queueHead, 0, ...requeue);
    this.flush();
  }

  /** An initializer failed: Python's BrokenThreadPool, for every task that has not started. */
  private breakPool(w: PoolWorker, error: Transported): void {
    if (!this.broken) {
      this.broken = new BrokenThreadPool(
        `a thread initializer failed (in ${w.name}), the thread pool is not usable anymore`,
        { cause: revive(error) },
      );
    }
    this.closed = true;
    for (let at = this.queueHead; at < this.queue.length; at++) {
      const future = this.queue[at]!;
      if (!future.done()) future.setException(this.broken);
    }
    this.queueHead = this.queue.length;
    for (const other of this.workers) {
      for (let at = other.head; at < other.inFlight.length; at++) {
        const future = other.inFlight[at]!;
        if (future.done()) continue;
        if (other === w || Atomics.compareExchange(this.claims, other.slots[at]!, QUEUED, SKIP) === QUEUED)
          future.setException(this.broken);
      }
    }
    this.allExited ??= new Promise((resolve) => (this.exitedNow = resolve));
  }
}

// ---- In the worker thread ----

/** The worker's loop: runs each batch's tasks in order, one at a time, and says how each ended. */
export function workerMain(setup: WorkerSetup): void {
  const port = parentPort!;
  const claims = new Int32Array(setup.claims);
  const values = new Float64Array(setup.values);
  const signals = new Int32Array(setup.signals);
  const tasks: ((...args: unknown[]) => unknown)[] = [];
  const inbox: Batch[] = [];
  let busy = false;

  const ended = (slot: number, claim: number) => {
    Atomics.store(claims, slot, claim);
    Atomics.add(signals, BELL, 1); // then look whether the pool thread sleeps: it looks at the bell after saying so
    if (Atomics.load(signals, ASLEEP) === 1 && Atomics.exchange(signals, ASLEEP, 0) === 1)
      Atomics.notify(signals, BELL);
  };
  const send = (slot: number, kind: number, payload: unknown) => {
    try {
      port.postMessage([slot, kind, payload]);
    } catch (error) {
      port.postMessage([slot, RAISED, transport(error)]); // a value that cannot be cloned (a function, say)
    }
  };

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
      for (let i = 0; i < work.length; i += 3 + (work[i + 2] as number)) {
        const slot = work[i] as number;
        if (Atomics.compareExchange(claims, slot, QUEUED, RUNNING) !== QUEUED) {
          ended(slot, PASSED);
          continue;
        }
        let value: unknown;
        try {
          value = tasks[work[i + 1] as number]!(...work.slice(i + 3, i + 3 + (work[i + 2] as number)));
          if (value instanceof Promise) value = await value;
        } catch (error) {
          send(slot, RAISED, transport(error));
          ended(slot, SENT);
          continue;
        }
        if (typeof value === "number") {
          values[slot] = value;
          ended(slot, NUMBER);
        } else if (value === undefined) ended(slot, UNDEFINED);
        else {
          send(slot, RETURNED, value);
          ended(slot, SENT);
        }
      }
    }
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
