// Python's threading.Thread over Node's worker_threads. Read katas/11-thread/README.md first.
// The TODOs are yours; the types, the constructor, log() and toolkit/start-worker.ts are ready.

import { parentPort, threadId, workerData, type Worker } from "node:worker_threads";
import { NotImplementedError } from "#threadkata/errors.ts";
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

let counter = 0;

export class Thread {
  /** Called in the thread that started `thread`, before join() resolves. Replace it to handle errors. */
  static excepthook: (args: ExceptHookArgs) => void = defaultExcepthook;

  readonly name: string;
  readonly daemon: boolean;
  /** The thread's id (its Worker's threadId) once started; undefined before. */
  ident: number | undefined = undefined;

  private readonly target: Target | undefined;
  private readonly args: readonly unknown[];
  // TODO: what else does a Thread need to know? (started? ended? its Worker? who waits for its end?)

  constructor(options: ThreadOptions = {}) {
    this.target = options.target;
    this.args = options.args ?? [];
    this.name = options.name ?? `Thread-${++counter}`;
    this.daemon = options.daemon ?? false;
  }

  /**
   * Starts the thread: startWorker(this.target, { bootstrap: [import.meta.url, "bootstrap"], workerData })
   * gives you the Worker. Throws if the thread was started before.
   */
  start(): void {
    // TODO: start a Worker, remember its threadId, listen to its events ("message", "error", "exit"),
    // and last, unref() it if it is a daemon.
    throw new NotImplementedError("11-thread", "start()");
  }

  /** Resolves when the thread has ended, or once `timeout` ms have passed: then isAlive() tells which. */
  join(timeout?: number): Promise<void> {
    // TODO: a Promise that the Worker's "exit" resolves; with a timeout, whichever comes first.
    throw new NotImplementedError("11-thread", "join()");
  }

  /** True from start() until the thread has ended (its target returned, threw or rejected). */
  isAlive(): boolean {
    // TODO
    throw new NotImplementedError("11-thread", "isAlive()");
  }
}

/** Python's default hook: "Exception in thread NAME:" and the traceback, with console.error. */
export function defaultExcepthook(args: ExceptHookArgs): void {
  // TODO
  throw new NotImplementedError("11-thread", "defaultExcepthook()");
}

/** The Thread this code runs on: "MainThread" (ident: threadId) where no Thread started it. */
export function currentThread(): Thread {
  // TODO: the main thread, or, inside a started thread, the thread as bootstrap() described it.
  throw new NotImplementedError("11-thread", "currentThread()");
}

/** The live threads this JavaScript thread knows: itself first, then those it started and that have not ended. */
export function enumerate(): Thread[] {
  // TODO
  throw new NotImplementedError("11-thread", "enumerate()");
}

/**
 * Runs in the new thread: startWorker calls it with the target function. Sets up currentThread()
 * (workerData is what start() sent), runs the target with its arguments, and sends back to the
 * starting thread whatever escapes the target, thrown or rejected.
 */
export async function bootstrap(target: (...args: unknown[]) => unknown): Promise<void> {
  // TODO
  throw new NotImplementedError("11-thread", "bootstrap()");
}

/** Where log() writes; replace `logging.write` to send the lines elsewhere. */
export const logging = { write: (line: string): void => console.log(line) };

/** The tutorial's logging with format="[%(threadName)s] %(message)s": writes the line and returns it. Ready-made. */
export function log(message: string): string {
  const line = `[${currentThread().name}] ${message}`;
  logging.write(line);
  return line;
}
