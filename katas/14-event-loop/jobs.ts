// The jobs the tests hand to run() (ready-made: read them, do not change them). A job is a function
// exported by this module, named by [module, export name]:
//
//   offloader.run([new URL("./jobs.ts", import.meta.url), "crunch"], board, 0, 20_000)
//
// crunch() stands for a long CPU-bound handler. It does real work (counts primes), then, on a worker,
// stays in flight until the test releases it: "while the job runs" is then a stretch the test
// controls, however fast or slow the machine. On the service's own thread nobody could ever release
// it (the test runs on that thread too, behind the job), so there it returns at once: the heartbeats
// it saw while it ran, none, are the real figure for work done on the event loop's thread.

import { threadId } from "node:worker_threads";

/** How many jobs one board follows. */
export const slots = 8;

/** The words of the board, shared by the service's thread and every job. */
export const Board = {
  /** The threadId of the service's thread (the event loop under test). */
  service: 0,
  /** The service's heartbeats: its event loop adds one on each timer tick. */
  beats: 1,
  /** Jobs that have begun, over the repetition. */
  entered: 2,
  /** Jobs in flight right now, and the most there ever were (an OverlapTracker's two words). */
  inside: 3,
  most: 4,
  /** Then, per slot: */
  perSlot: 5,
} as const;

const Slot = { started: 0, thread: 1, beatsAtStart: 2, beatsAtEnd: 3, release: 4, finished: 5 } as const;
const slotWords = 6;

export const boardWords = Board.perSlot + slots * slotWords;

export function slotWord(slot: number, field: keyof typeof Slot): number {
  return Board.perSlot + slot * slotWords + Slot[field];
}

/**
 * Counts the primes below `n` (real work), then stays in flight until board's release word of
 * `slot` is set, unless it runs on the service's own thread. Returns the count.
 */
export function crunch(board: Int32Array, slot: number, n: number): number {
  Atomics.add(board, Board.entered, 1);
  const inside = Atomics.add(board, Board.inside, 1) + 1;
  for (let most = Atomics.load(board, Board.most); inside > most;) {
    const seen = Atomics.compareExchange(board, Board.most, most, inside);
    if (seen === most) break;
    most = seen;
  }
  Atomics.store(board, slotWord(slot, "thread"), threadId);
  Atomics.store(board, slotWord(slot, "beatsAtStart"), Atomics.load(board, Board.beats));
  Atomics.store(board, slotWord(slot, "started"), 1);

  const primes = primesBelow(n);
  if (threadId !== Atomics.load(board, Board.service)) {
    // A long computation would keep computing here; this one sleeps until released, to spare the CPU.
    const release = slotWord(slot, "release");
    while (Atomics.load(board, release) === 0) Atomics.wait(board, release, 0);
  }

  Atomics.store(board, slotWord(slot, "beatsAtEnd"), Atomics.load(board, Board.beats));
  Atomics.sub(board, Board.inside, 1);
  Atomics.store(board, slotWord(slot, "finished"), 1);
  return primes;
}

/** The number of primes below n (a sieve): the "heavy" part of every job, and the result to check. */
export function primesBelow(n: number): number {
  const composite = new Uint8Array(Math.max(n, 2));
  let count = 0;
  for (let i = 2; i < n; i++) {
    if (composite[i]) continue;
    count++;
    for (let j = i * i; j < n; j += i) composite[j] = 1;
  }
  return count;
}

/** An error class of the test's own: its name must reach the caller along with the message. */
export class JobFailed extends Error {
  override name = "JobFailed";
}

/** Throws, two calls deep. */
export function failNow(message: string): void {
  failingStep(message);
}

function failingStep(message: string): never {
  throw new JobFailed(message);
}

/** An async job: it fails by rejecting, after its first await, not by throwing. */
export async function failLater(message: string): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 1));
  failingStep(message);
}

// Every kind of value a job may throw (or reject with), and a job that throws it: shared with the
// other kata that sends errors home.
export { thrownCases, thrownValues, throwValue, type ThrownKind } from "#toolkit/thrown-values.ts";

/** Every kind of value a job may return: what the caller must get back, as a structured clone. */
export const returnedValues = {
  undefined: () => undefined,
  null: () => null,
  zero: () => 0,
  emptyString: () => "",
  false: () => false,
  object: () => ({ primes: [2, 3, 5], nested: { ok: true } }),
} as const;

export type ReturnedKind = keyof typeof returnedValues;

/** Returns the value of `kind` (see returnedValues). */
export function returnValue(kind: ReturnedKind): unknown {
  return returnedValues[kind]();
}

/** Throws from a timer, outside any await: the error escapes the job and its bootstrap (the Worker's "error" event). */
export function throwUncaught(message: string): Promise<void> {
  setTimeout(() => failingStep(message), 1);
  return new Promise(() => {});
}

/** Ends its worker at once (process.exit in a worker ends that thread), with no result and no error. */
export function exitNow(code: number): void {
  process.exit(code);
}
