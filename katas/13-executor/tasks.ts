// The tasks the tests submit (ready-made: read them, do not change them). A task is a function
// exported by a module, named by [module, export name]:
//
//   executor.submit([new URL("./tasks.ts", import.meta.url), "inc"], 41)   // a Future of 42
//
// Arguments and results travel by structured clone; an Int32Array over a SharedArrayBuffer arrives
// as a view on the same memory, so a task and the test share it (the "board" below).

import { threadId } from "node:worker_threads";
import { threadName } from "#toolkit/task-worker.ts";

export function inc(n: number): number {
  return n + 1;
}

/** An async task: resolves after a turn of its thread's event loop. */
export async function incLater(n: number): Promise<number> {
  await new Promise((resolve) => setImmediate(resolve));
  return n + 1;
}

/** Which thread ran it: [threadId, the thread's name]. */
export function whoAmI(): [number, string] {
  return [threadId, threadName()];
}

// The board: four rows of `board.length / 4` words each, shared by the test and the tasks.
// arrived[slot] counts the task's starts; gate[slot] holds it until the test sets it; done[slot]
// is set by the task as its last act; the last row counts who is inside and the most at once.

function rows(board: Int32Array): { arrived: Int32Array; gate: Int32Array; done: Int32Array; inside: Int32Array } {
  const n = board.length / 4;
  return {
    arrived: board.subarray(0, n),
    gate: board.subarray(n, 2 * n),
    done: board.subarray(2 * n, 3 * n),
    inside: board.subarray(3 * n),
  };
}

/** Says it started, then sleeps until the test opens gate[slot]; returns slot * 10. */
export function held(board: Int32Array, slot: number): number {
  const { arrived, gate, done, inside } = rows(board);
  enter(inside);
  Atomics.add(arrived, slot, 1);
  Atomics.notify(arrived, slot);
  while (Atomics.load(gate, slot) === 0) Atomics.wait(gate, slot, 0);
  leave(inside);
  Atomics.store(done, slot, 1);
  return slot * 10;
}

/** held(), for map(): one argument, { board, slot }. */
export function heldJob(job: { board: Int32Array; slot: number }): number {
  return held(job.board, job.slot);
}

/** Counts itself inside, works for a little while (about `micros` µs), leaves; returns its threadId. */
export function busy(board: Int32Array, micros: number): number {
  const { inside } = rows(board);
  enter(inside);
  const until = performance.now() + micros / 1000;
  while (performance.now() < until) {
    // working
  }
  leave(inside);
  return threadId;
}

/** Marks ran[slot] and returns slot: proof that a task ran (or, for a cancelled one, that it never did). */
export function mark(board: Int32Array, slot: number): number {
  Atomics.add(rows(board).arrived, slot, 1);
  return slot;
}

function enter(inside: Int32Array): void {
  const now = Atomics.add(inside, 0, 1) + 1;
  let most = Atomics.load(inside, 1);
  while (now > most) {
    const seen = Atomics.compareExchange(inside, 1, most, now);
    if (seen === most) break;
    most = seen;
  }
}

function leave(inside: Int32Array): void {
  Atomics.sub(inside, 0, 1);
}

/** An error class of the tests' own, with fields of its own. */
export class JobFailed extends Error {
  override name = "JobFailed";
  constructor(
    message: string,
    readonly code: number,
    readonly details: { attempt: number; tags: string[] },
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

class NetworkDown extends Error {
  override name = "NetworkDown";
}

/** Throws JobFailed, two calls deep (failingStep in tasks.ts), caused by a NetworkDown. */
export function failNow(message: string): never {
  return failingStep(message);
}

function failingStep(message: string): never {
  throw new JobFailed(message, 42, { attempt: 3, tags: ["retry", "io"] }, { cause: new NetworkDown("link lost") });
}

/** An async task that fails by rejecting, after a turn of its thread's event loop. */
export async function failLater(message: string): Promise<never> {
  await new Promise((resolve) => setImmediate(resolve));
  return failingStep(message);
}

/** Throws whatever it is given: a string, a plain object. */
export function throwValue(value: unknown): never {
  throw value;
}

/** A bug: a TypeError from the engine itself. */
export function typeErrorNow(): number {
  const nothing = undefined as unknown as { length: number };
  return nothing.length;
}

/** Ends its thread: process.exit(code) in a worker ends the worker, not the program. */
export function exitNow(code: number): void {
  process.exit(code);
}

/** Allocates until its thread's heap limit (resourceLimits) kills it. */
export function exhaustMemory(): number {
  const hoard: number[][] = [];
  for (;;) hoard.push(Array.from({ length: 100_000 }, (_, i) => i));
}

let setting: string | undefined;

/** An initializer: remembers `tag` in this thread, for readSetup(). */
export function setup(tag: string): void {
  setting = `${tag} in ${threadName()}`;
}

/** What setup() left in this thread (undefined if it never ran here). */
export function readSetup(): string | undefined {
  return setting;
}

/** An initializer that fails. */
export function failSetup(message: string): void {
  throw new JobFailed(message, 7, { attempt: 1, tags: [] });
}

/** n + 1, but throws JobFailed for a negative n: a map() whose third item fails, say. */
export function incOrFail(n: number): number {
  if (n < 0) throw new JobFailed(`cannot take ${n}`, n, { attempt: 1, tags: ["map"] });
  return n + 1;
}

/** Throws a RangeError: a built-in class that must come back of that class. */
export function throwRange(message: string): never {
  throw new RangeError(message);
}

/** Throws a built-in error class by name (TypeError, URIError...): it must come back of that class. */
export function throwBuiltin(name: string, message: string): never {
  const Class = (globalThis as unknown as Record<string, ErrorConstructor>)[name]!;
  throw new Class(message);
}

/** An error class written the older way: its name on the prototype, not on the error itself. */
function LegacyError(this: Error, message: string) {
  this.message = message;
  Error.captureStackTrace(this, LegacyError);
}
LegacyError.prototype = Object.create(Error.prototype, {
  constructor: { value: LegacyError, writable: true, configurable: true },
  name: { value: "LegacyError", writable: true, configurable: true },
});

/** Throws a LegacyError, whose name lives on its prototype. */
export function failLegacy(message: string): never {
  throw new (LegacyError as unknown as new (message: string) => Error)(message);
}

/** Returns a function: a result that cannot be cloned to the caller's thread. */
export function returnFunction(): () => number {
  return () => 1;
}

/** An initializer that records the arguments it was called with, for readSetup(). */
export function setupArgs(...args: unknown[]): void {
  setting = JSON.stringify(args);
}
