// KNOWN RIGHT: no message of its own. bootstrap() awaits the target and throws whatever escapes it
// again, as an uncaught exception of the thread; Node then sends it home itself, as the Worker's
// "error" event, with the error's name, message, stack and own properties kept (its serializer
// does more than a structured clone; a thrown string stays a string), and ends the thread. The
// starting thread calls the hook from "error", which Node emits before "exit". join() keeps a list
// of waiters that "exit" resolves, instead of one promise made in start(); a thread's life is one
// state word: new, running, ended.

import { threadId, workerData } from "node:worker_threads";
import { startWorker, type Target } from "#toolkit/start-worker.ts";

export type { Target };

export interface ThreadOptions {
  target?: Target;
  args?: readonly unknown[];
  name?: string;
  daemon?: boolean;
}

export interface ExceptHookArgs {
  excType: string;
  excValue: unknown;
  excTraceback: string;
  thread: Thread;
}

interface Description {
  name: string;
  daemon: boolean;
  args: readonly unknown[];
}

type Life = "new" | "running" | "ended";

let counter = 0;
/** Threads started from this JavaScript thread and not ended, in start order. */
const alive: Thread[] = [];
let self: Thread | undefined;

export class Thread {
  static excepthook: (args: ExceptHookArgs) => void = defaultExcepthook;

  readonly name: string;
  readonly daemon: boolean;
  ident: number | undefined = undefined;

  private readonly target: Target | undefined;
  private readonly args: readonly unknown[];
  private life: Life = "new";
  /** Who waits in join() for the end. */
  private waiters: (() => void)[] = [];

  constructor(options: ThreadOptions = {}) {
    this.target = options.target;
    this.args = options.args ?? [];
    this.name = options.name ?? `Thread-${++counter}`;
    this.daemon = options.daemon ?? false;
  }

  start(): void {
    if (this.life !== "new")
      throw new Error(`thread ${this.name} was started already: threads can only be started once`);
    if (!this.target) {
      this.life = "ended";
      return;
    }
    const description: Description = { name: this.name, daemon: this.daemon, args: this.args };
    const worker = startWorker(this.target, {
      bootstrap: [import.meta.url, "bootstrap"],
      workerData: description,
      name: this.name,
    });
    this.life = "running";
    this.ident = worker.threadId;
    if (this.daemon) worker.unref();
    alive.push(this);
    worker.on("error", (error: unknown) => {
      const excType = error instanceof Error ? error.name : typeof error;
      const excTraceback = error instanceof Error ? (error.stack ?? "") : "";
      Thread.excepthook({ excType, excValue: error, excTraceback, thread: this });
    });
    worker.on("exit", () => {
      this.life = "ended";
      alive.splice(alive.indexOf(this), 1);
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  join(timeout?: number): Promise<void> {
    if (this.life === "new") throw new Error("cannot join a thread before it is started");
    if (this === self) throw new Error("cannot join the current thread: it would wait for itself");
    if (this.life === "ended") return Promise.resolve();
    return new Promise((resolve) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      this.waiters.push(done);
      if (timeout === undefined) return;
      // Timers may fire a little early by the clock: look at it, and wait out what is left.
      const deadline = performance.now() + Math.max(0, timeout);
      const check = () => {
        const left = deadline - performance.now();
        if (left > 0) timer = setTimeout(check, Math.ceil(left));
        else {
          this.waiters = this.waiters.filter((waiter) => waiter !== done);
          resolve();
        }
      };
      check();
    });
  }

  isAlive(): boolean {
    return this.life === "running";
  }

  /** This JavaScript thread, described as a running Thread. */
  static here(name: string, daemon: boolean): Thread {
    const thread = new Thread({ name, daemon });
    thread.life = "running";
    thread.ident = threadId;
    return thread;
  }
}

export function defaultExcepthook({ thread, excType, excValue, excTraceback }: ExceptHookArgs): void {
  console.error(`Exception in thread ${thread.name}:`);
  console.error(excTraceback || `${excType}: ${String(excValue)}`);
}

export function currentThread(): Thread {
  self ??= Thread.here("MainThread", false);
  return self;
}

export function enumerate(): Thread[] {
  return [currentThread(), ...alive];
}

/** In the new thread: what escapes the target escapes the thread, and Node reports it as "error". */
export async function bootstrap(target: (...args: unknown[]) => unknown): Promise<void> {
  const { name, daemon, args } = workerData as Description;
  self = Thread.here(name, daemon);
  try {
    await target(...args);
  } catch (thrown) {
    // Thrown again outside any promise: an uncaught exception reaches "error" as the value itself
    // (a thrown string stays a string), where an unhandled rejection would arrive as Node's own
    // UnhandledPromiseRejection error.
    setImmediate(() => {
      throw thrown;
    });
  }
}

export const logging = { write: (line: string): void => console.log(line) };

export function log(message: string): string {
  const line = `[${currentThread().name}] ${message}`;
  logging.write(line);
  return line;
}
