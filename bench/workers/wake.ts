// The scaffolding of the wake-up figures, shared by the Event, Condition and bare Atomics workers.
//
// Ping-pong: two threads hand a turn back and forth; a round trip costs two wake-ups.
// Notify-all: `waiters` threads wait; the notifier wakes them all at once, and the figure is the
// time from just before set()/notifyAll() to the moment the last waiter runs again. Each round
// starts only when every waiter has arrived, plus a millisecond for them to fall asleep.

import { now, pause, startLine, type Timed } from "./control.ts";

/** Words of `sync`, each on its own line. */
export const GENERATION = 0;
export const ARRIVED = 16;
export const WOKE = 32;
export const FLAG = 48;
export const SYNC_WORDS = 64;

export interface WakeInput {
  control: Int32Array;
  sync: Int32Array;
  /** The subject's shared memory (an Event's word, a Condition and its lock). */
  memory: Int32Array;
  /** When each waiter ran again (ns, `now()`), one slot per waiter. */
  times: Float64Array;
  role: "driver" | "partner" | "notifier" | "waiter";
  index: number;
  waiters: number;
  rounds: number;
  durationMs: number;
}

/** The driver's side of a ping-pong: `roundTrip` until the time is up, then `finish` releases the partner. */
export function drive({ control, durationMs }: WakeInput, roundTrip: () => void, finish: () => void): Timed {
  startLine(control);
  const start = now();
  const deadline = start + durationMs * 1e6;
  let ops = 0;
  let end = start;
  do {
    roundTrip();
    if ((++ops & 15) === 0) end = now();
  } while (end < deadline);
  end = now();
  finish();
  return { ops, start, end };
}

/** The partner's side of a ping-pong: at the start line with the driver, then `answer` until it says stop. */
export function partner({ control }: WakeInput, answer: () => boolean): Timed {
  startLine(control);
  while (answer());
  return { ops: 0, start: 0, end: 0 };
}

function waitFor(word: Int32Array, index: number, count: number): void {
  for (let seen = Atomics.load(word, index); seen < count; seen = Atomics.load(word, index))
    Atomics.wait(word, index, seen, 50);
}

/** The notifier: for each round, lets the waiters arrive, then `fire(round)`; returns each round's latency (ns). */
export function notifier(
  { control, sync, times, waiters, rounds }: WakeInput,
  fire: (round: number) => void,
  reset: () => void,
): number[] {
  startLine(control);
  const latencies: number[] = [];
  for (let round = 1; round <= rounds; round++) {
    Atomics.store(sync, ARRIVED, 0);
    Atomics.store(sync, WOKE, 0);
    Atomics.store(sync, GENERATION, round);
    Atomics.notify(sync, GENERATION);
    waitFor(sync, ARRIVED, waiters);
    pause(1);
    const fired = now();
    fire(round);
    waitFor(sync, WOKE, waiters);
    latencies.push(Math.max(...times) - fired);
    reset();
  }
  Atomics.store(sync, GENERATION, -1);
  Atomics.notify(sync, GENERATION);
  return latencies;
}

/** A waiter: each round, arrives (`arrive` may take a lock first and count itself inside it), waits, records when it ran. */
export function waiter(
  { control, sync, times, index }: WakeInput,
  waitRound: (round: number, arrived: () => void) => void,
): number {
  startLine(control);
  const arrived = () => {
    Atomics.add(sync, ARRIVED, 1);
    Atomics.notify(sync, ARRIVED);
  };
  for (let last = 0; ;) {
    let round = Atomics.load(sync, GENERATION);
    while (round === last) {
      Atomics.wait(sync, GENERATION, last);
      round = Atomics.load(sync, GENERATION);
    }
    if (round < 0) return 0;
    last = round;
    waitRound(round, arrived);
    times[index] = now();
    Atomics.add(sync, WOKE, 1);
    Atomics.notify(sync, WOKE);
  }
}
