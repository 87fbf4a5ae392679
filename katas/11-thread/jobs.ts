// The targets the tests run in threads (ready-made: read them, do not change them). A target is a
// function exported by a module, named by [module, export name]:
//
//   new Thread({ target: [new URL("./jobs.ts", import.meta.url), "countTo"], args: [counter, 1000] })
//
// Arguments arrive by structured clone; an Int32Array over a SharedArrayBuffer arrives as a view on
// the same memory, so the thread and the test share it.

import { parentPort } from "node:worker_threads";
import { currentThread, enumerate, log, logging } from "#kata/11-thread/thread.ts";

/** A thread's report, in `report` (17 words): its ident, then its name and a log line, as text. */
export const reportWords = 17;
const textWords = 8;
const textBytes = textWords * 4;

/** Adds 1 to counter[slot] `times` times, then sets done[slot] to 1: its last act. */
export function countTo(counter: Int32Array, done: Int32Array, slot: number, times: number): void {
  for (let i = 0; i < times; i++) Atomics.add(counter, slot, 1);
  Atomics.store(done, slot, 1);
}

/**
 * Says it is running (arrived[slot] = 1), then sleeps until gate[slot] is not 0: a thread that
 * cannot end until the test lets it. Then sets done[slot] to 1, its last act.
 */
export function waitAtGate(arrived: Int32Array, gate: Int32Array, done: Int32Array, slot: number): void {
  Atomics.store(arrived, slot, 1);
  Atomics.notify(arrived, slot);
  while (Atomics.load(gate, slot) === 0) Atomics.wait(gate, slot, 0);
  Atomics.store(done, slot, 1);
}

/** Writes what this thread knows of itself into `report`: currentThread()'s ident and name, and a log line. */
export function reportSelf(report: Int32Array): void {
  const me = currentThread();
  Atomics.store(report, 0, me.ident ?? -1);
  let line = "";
  logging.write = (written) => (line = written);
  log("hello");
  writeText(report, 1, me.name);
  writeText(report, 1 + textWords, line);
}

/** Reads back what reportSelf() wrote: [ident, name, log line]. */
export function readReport(report: Int32Array): [number, string, string] {
  return [Atomics.load(report, 0), readText(report, 1), readText(report, 1 + textWords)];
}

/** An error class of the test's own: its name travels in excType, not in the clone. */
export class JobFailed extends Error {
  override name = "JobFailed";
}

/** Throws, two calls deep: the stack names failingStep and failNow in jobs.ts. */
export function failNow(message: string): void {
  failingStep(message);
}

function failingStep(message: string): never {
  throw new JobFailed(message);
}

/** An async target: it fails by rejecting, after its first await, not by throwing. */
export async function failLater(message: string): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 1));
  await Promise.resolve();
  failingStep(message);
}

function writeText(words: Int32Array, at: number, text: string): void {
  const bytes = new Uint8Array(words.buffer, words.byteOffset + at * 4, textBytes);
  bytes.fill(0);
  new TextEncoder().encodeInto(text.slice(0, textBytes - 1), bytes);
}

function readText(words: Int32Array, at: number): string {
  const bytes = new Uint8Array(words.buffer, words.byteOffset + at * 4, textBytes);
  const end = bytes.indexOf(0);
  return new TextDecoder().decode(bytes.slice(0, end < 0 ? textBytes : end));
}

// Every kind of value a target may throw (or reject with), and a target that throws it: shared with the
// other kata that sends errors home.
export { thrownCases, thrownValues, throwValue, type ThrownKind } from "#toolkit/thrown-values.ts";

/**
 * Writes what this thread sees of the world into `words`: enumerate().length, whether enumerate()
 * starts with currentThread(), currentThread().daemon and currentThread().isAlive(), as 0 or 1.
 */
export function reportWorld(words: Int32Array): void {
  const listed = enumerate();
  const me = currentThread();
  Atomics.store(words, 0, listed.length);
  Atomics.store(words, 1, listed[0] === me ? 1 : 0);
  Atomics.store(words, 2, me.daemon ? 1 : 0);
  Atomics.store(words, 3, me.isAlive() ? 1 : 0);
  Atomics.store(words, 4, 1);
}

/** Throws from a timer, after the target has returned: the error escapes the target and bootstrap() alike. */
export function throwUncaught(message: string): void {
  setTimeout(() => failingStep(message), 1);
}

/** Throws an Error that has no stack (deleted): a value with no stack, though an Error. */
export function failWithoutStack(message: string): void {
  const error = new JobFailed(message);
  delete error.stack;
  throw error;
}

/** A target that talks to its parent itself (parentPort.postMessage): none of these is an exception. */
export function postsToParent(): void {
  parentPort?.postMessage(null);
  parentPort?.postMessage("a string");
  parentPort?.postMessage({ threadkata: "hello" });
  parentPort?.postMessage({ note: "not an error" });
}

/** Throws JobFailed("called with N arguments"): what a thread made without args passes to its target. */
export function failWithArgumentCount(...args: unknown[]): void {
  failingStep(`called with ${args.length} arguments`);
}
