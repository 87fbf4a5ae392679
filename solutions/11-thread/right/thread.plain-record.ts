// KNOWN RIGHT: the error crosses as a plain record, not as an Error. bootstrap() catches what
// escapes the target and posts { kind, name, message, stack } (or, for a thrown non-Error, the
// value itself); the starting thread builds an Error back from it, with the thread's name and
// stack, so nothing depends on what a structured clone keeps of an Error. The registry is a Map
// from ident to Thread; join() races the end against a timer, and the end is the Worker's "exit"
// (Node delivers the thread's messages first, so the hook has run by then).

import { parentPort, threadId, workerData } from "node:worker_threads";
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

interface Setup {
  name: string;
  daemon: boolean;
  args: readonly unknown[];
}

/** What the new thread posts when its target fails. */
type Failure =
  | { threadkata: "failed"; kind: "error"; name: string; message: string; stack: string }
  | { threadkata: "failed"; kind: "value"; value: unknown };

let counter = 0;
/** Live threads started here, by ident; a Map keeps the order they were added in. */
const registry = new Map<number, Thread>();
let me: Thread | undefined;

export class Thread {
  static excepthook: (args: ExceptHookArgs) => void = defaultExcepthook;

  readonly name: string;
  readonly daemon: boolean;
  ident: number | undefined = undefined;

  private readonly target: Target | undefined;
  private readonly args: readonly unknown[];
  private ending: Promise<void> | undefined;
  private over = false;

  constructor(options: ThreadOptions = {}) {
    this.target = options.target;
    this.args = options.args ?? [];
    this.name = options.name ?? `Thread-${++counter}`;
    this.daemon = options.daemon ?? false;
  }

  start(): void {
    if (this.ending) throw new Error("threads can only be started once");
    if (!this.target) {
      this.over = true;
      this.ending = Promise.resolve();
      return;
    }
    const setup: Setup = { name: this.name, daemon: this.daemon, args: this.args };
    const worker = startWorker(this.target, {
      bootstrap: [import.meta.url, "bootstrap"],
      workerData: setup,
      name: this.name,
    });
    const ident = worker.threadId;
    this.ident = ident;
    registry.set(ident, this);
    worker.on("message", (message: Failure) => {
      if (message?.threadkata !== "failed") return;
      if (message.kind === "value") this.hook(typeof message.value, message.value);
      else this.hook(message.name, rebuilt(message));
    });
    worker.on("error", (error) => this.hook(error.name, error));
    this.ending = new Promise((resolve) =>
      worker.once("exit", () => {
        this.over = true;
        registry.delete(ident);
        resolve();
      }),
    );
    // Last: on Node 20 the first "message" listener refs the worker again, undoing an earlier unref().
    if (this.daemon) worker.unref();
  }

  join(timeout?: number): Promise<void> {
    if (this === me) throw new Error("cannot join current thread"); // never started here: say why first
    if (!this.ending) throw new Error("cannot join thread before it is started");
    return timeout === undefined ? this.ending : this.joinFor(timeout);
  }

  private async joinFor(timeout: number): Promise<void> {
    const deadline = performance.now() + timeout;
    while (!this.over) {
      const left = deadline - performance.now();
      if (left <= 0) return;
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([this.ending, new Promise((resolve) => (timer = setTimeout(resolve, Math.ceil(left))))]);
      clearTimeout(timer);
    }
  }

  isAlive(): boolean {
    return this.ending !== undefined && !this.over;
  }

  private hook(excType: string, excValue: unknown): void {
    const excTraceback = excValue instanceof Error ? (excValue.stack ?? "") : "";
    Thread.excepthook({ excType, excValue, excTraceback, thread: this });
  }

  static self(name: string, daemon: boolean): Thread {
    const thread = new Thread({ name, daemon });
    thread.ending = new Promise(() => {});
    thread.ident = threadId;
    return thread;
  }
}

function rebuilt({ name, message, stack }: { name: string; message: string; stack: string }): Error {
  const error = new Error(message);
  error.name = name;
  error.stack = stack;
  return error;
}

export function defaultExcepthook({ thread, excType, excValue, excTraceback }: ExceptHookArgs): void {
  const text = excTraceback || `${excType}: ${String(excValue)}`;
  console.error(`Exception in thread ${thread.name}:\n${text}`);
}

export function currentThread(): Thread {
  me ??= Thread.self("MainThread", false);
  return me;
}

export function enumerate(): Thread[] {
  return [currentThread(), ...registry.values()];
}

export async function bootstrap(target: (...args: unknown[]) => unknown): Promise<void> {
  const { name, daemon, args } = workerData as Setup;
  me = Thread.self(name, daemon);
  try {
    await target(...args);
  } catch (thrown) {
    const failure: Failure =
      thrown instanceof Error
        ? { threadkata: "failed", kind: "error", name: thrown.name, message: thrown.message, stack: thrown.stack ?? "" }
        : { threadkata: "failed", kind: "value", value: thrown };
    parentPort!.postMessage(failure);
  }
}

export const logging = { write: (line: string): void => console.log(line) };

export function log(message: string): string {
  const line = `[${currentThread().name}] ${message}`;
  logging.write(line);
  return line;
}
