// Python's threading.Thread over Node's worker_threads: one Worker per Thread, its events turned
// into Python's start/join/is_alive/excepthook. See katas/11-thread/README.md.

import { parentPort, threadId, workerData, type Worker } from "node:worker_threads";
import { startWorker, type Target } from "#toolkit/start-worker.ts";

export type { Target };

export interface ThreadOptions {
  /** The function the thread runs: [module, export name], e.g. [new URL("./jobs.ts", import.meta.url), "countTo"]. */
  target?: Target;
  /** The target's arguments: structured-cloneable (a SharedArrayBuffer or a view on one is shared, not copied). */
  args?: readonly unknown[];
  /** Defaults to "Thread-N". */
  name?: string;
  /** A daemon thread does not keep the program alive (Worker.unref()). */
  daemon?: boolean;
}

/** What excepthook receives: Python's threading.ExceptHookArgs. */
export interface ExceptHookArgs {
  /** The error's name ("TypeError", "JobFailed"), or typeof the thrown value if it was no Error. */
  excType: string;
  /** The thrown value as it arrived: a structured clone. */
  excValue: unknown;
  /** The stack, as the thread that threw it saw it (source-mapped); "" if the value had none. */
  excTraceback: string;
  /** The Thread whose target threw. */
  thread: Thread;
}

/** What start() sends to the new thread, as workerData. */
interface ThreadData {
  name: string;
  daemon: boolean;
  args: readonly unknown[];
}

/** What the new thread sends back: the exception that escaped its target. */
interface ExceptionMessage {
  threadkata: "exception";
  excType: string;
  error: unknown;
}

let counter = 0;
/** The threads started from this JavaScript thread that have not ended yet, in start order. */
const running = new Set<Thread>();
/** This JavaScript thread, as a Thread: "MainThread", or the Thread that bootstrap() runs. */
let current: Thread | undefined;

export class Thread {
  /** Called in the thread that started `thread`, before join() resolves. Replace it to handle errors. */
  static excepthook: (args: ExceptHookArgs) => void = defaultExcepthook;

  readonly name: string;
  readonly daemon: boolean;
  /** The thread's id (its Worker's threadId) once started; undefined before. */
  ident: number | undefined = undefined;

  private readonly target: Target | undefined;
  private readonly args: readonly unknown[];
  private started = false;
  private ended = false;
  private finished: Promise<void> | undefined;

  constructor(options: ThreadOptions = {}) {
    this.target = options.target;
    this.args = options.args ?? [];
    this.name = options.name ?? `Thread-${++counter}`;
    this.daemon = options.daemon ?? false;
  }

  start(): void {
    if (this.started) throw new Error("threads can only be started once");
    this.started = true;
    if (!this.target) {
      // Python's Thread() without a target runs nothing and ends.
      this.ended = true;
      this.finished = Promise.resolve();
      return;
    }
    const data: ThreadData = { name: this.name, daemon: this.daemon, args: this.args };
    const worker: Worker = startWorker(this.target, {
      bootstrap: [import.meta.url, "bootstrap"],
      workerData: data,
      name: this.name,
    });
    this.ident = worker.threadId;
    running.add(this);
    this.finished = new Promise((resolve) => {
      worker.on("message", (message: ExceptionMessage) => {
        if (message?.threadkata === "exception") this.report(message.excType, message.error);
      });
      // An error that escaped bootstrap() (Node's own transport): report it all the same.
      worker.on("error", (error) => this.report(error.name, error));
      // Node drains the thread's messages before "exit": the hook has run by then.
      worker.on("exit", () => {
        this.ended = true;
        running.delete(this);
        resolve();
      });
    });
    // Last, after every listener: Node refs a Worker again when its first "message" listener is
    // added, so an unref() made before it is undone and the daemon keeps the program alive.
    if (this.daemon) worker.unref();
  }

  /** Resolves when the thread has ended, or once `timeout` ms have passed: then isAlive() tells which. */
  join(timeout?: number): Promise<void> {
    if (this === current) throw new Error("cannot join current thread");
    if (!this.finished) throw new Error("cannot join thread before it is started");
    if (timeout === undefined) return this.finished;
    // Node counts a timer from the event loop's cached clock, which can lag the real one: a bare
    // setTimeout may fire a millisecond early. Look at the clock when it fires; wait out the rest.
    const deadline = performance.now() + Math.max(0, timeout);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const expired = new Promise<void>((resolve) => {
      const check = () => {
        const left = deadline - performance.now();
        // Stryker disable next-line EqualityOperator,MethodExpression: a timer that comes early (at 0 left, or floored) only looks again
        if (left > 0) timer = setTimeout(check, Math.ceil(left));
        else resolve();
      };
      check();
    });
    return Promise.race([this.finished, expired]).finally(() => clearTimeout(timer));
  }

  isAlive(): boolean {
    return this.started && !this.ended;
  }

  private report(excType: string, error: unknown): void {
    const excTraceback = error instanceof Error ? (error.stack ?? "") : "";
    Thread.excepthook({ excType, excValue: error, excTraceback, thread: this });
  }

  /** This JavaScript thread as a Thread, started and alive: the main thread, or a started one. */
  static ofThisThread(name: string, daemon: boolean): Thread {
    const thread = new Thread({ name, daemon });
    thread.started = true;
    thread.ident = threadId;
    return thread;
  }
}

/** Python's default hook: "Exception in thread NAME:" and the traceback, on stderr. */
export function defaultExcepthook({ thread, excType, excValue, excTraceback }: ExceptHookArgs): void {
  console.error(`Exception in thread ${thread.name}:\n${excTraceback || `${excType}: ${String(excValue)}`}`);
}

/** The Thread this code runs on: "MainThread" where no Thread started it. */
export function currentThread(): Thread {
  current ??= Thread.ofThisThread("MainThread", false);
  return current;
}

/** The live threads this JavaScript thread knows: itself first, then those it started and that have not ended. */
export function enumerate(): Thread[] {
  return [currentThread(), ...running];
}

/**
 * Runs in the new thread (startWorker calls it with the target function): sets up currentThread(),
 * runs the target and sends back what escapes it, thrown or rejected.
 */
export async function bootstrap(target: (...args: unknown[]) => unknown): Promise<void> {
  const data = workerData as ThreadData;
  current = Thread.ofThisThread(data.name, data.daemon);
  try {
    await target(...data.args); // an async target fails by rejecting: await it, or its error escapes
  } catch (error) {
    const excType = error instanceof Error ? error.name : typeof error;
    const message: ExceptionMessage = { threadkata: "exception", excType, error };
    parentPort!.postMessage(message);
  }
}

/** Where log() writes; replace `logging.write` to send the lines elsewhere. */
export const logging = { write: (line: string): void => console.log(line) };

/** The tutorial's logging with format="[%(threadName)s] %(message)s": writes the line and returns it. */
export function log(message: string): string {
  const line = `[${currentThread().name}] ${message}`;
  logging.write(line);
  return line;
}
