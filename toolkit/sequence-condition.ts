// A ready condition variable for the katas that need one (a blocking queue waits on "not empty"
// and "not full"). It is the classic sequence-word design, on purpose not kata 06's: one word that
// notify() bumps; a waiter reads it while it holds the lock and sleeps while it is unchanged, so no
// wakeup is lost. Its price is the one kata 06 refuses to pay: notify(n) also lets through every
// waiter that has released the lock and not yet fallen asleep, so it can wake more than n (POSIX
// condition variables allow such "spurious" wakeups; Python's promise is at most n). Code that
// waits in a `while` loop, as all code on a condition should, does not care.
//
// Two things make it cheap, which is what a blocking queue needs (kata 08's README, "What makes a
// blocking queue fast"): notify() does nothing when nobody waits (WAITERS counts the waiters; both
// sides change and read it while they hold the lock, so it is exact), and a waiter watches the word
// for a few microseconds before it sleeps, since the thread that will notify it is often running on
// the other core right now, and a sleep and a wake-up cost tens of microseconds.

import { spinsBeforeSleep } from "#threadkata/spin-hint.ts";
import type { OwnedLock } from "./ticket-lock.ts";

const SEQUENCE = 0;
const WAITERS = 1;

/** Reads of the word before going to sleep: a few microseconds. */
const spins = 2000;

export class SequenceCondition {
  /** How many 32-bit words of shared memory one condition needs. */
  static readonly WORDS = 2;
  readonly lock: OwnedLock;
  readonly memory: Int32Array;

  /** A condition bound to `lock`; several conditions may share one lock (as in queue.Queue). */
  constructor(lock: OwnedLock, memory?: Int32Array) {
    this.lock = lock;
    this.memory =
      memory ?? new Int32Array(new SharedArrayBuffer(SequenceCondition.WORDS * Int32Array.BYTES_PER_ELEMENT));
  }

  /**
   * Releases the lock, sleeps until a notify (or, now and then, spuriously), takes the lock back.
   * Returns false if the timeout (ms) expired first. Throws unless the caller holds the lock.
   */
  wait(timeout?: number): boolean {
    this.mustOwn("wait");
    const seen = Atomics.load(this.memory, SEQUENCE);
    const deadline = timeout === undefined ? Infinity : performance.now() + timeout;
    Atomics.add(this.memory, WAITERS, 1);
    this.lock.release();
    try {
      const limit = spinsBeforeSleep(spins);
      for (let spin = 0; spin < limit && Atomics.load(this.memory, SEQUENCE) === seen; spin++);
      while (Atomics.load(this.memory, SEQUENCE) === seen) {
        const remaining = deadline - performance.now();
        if (remaining <= 0) return false;
        Atomics.wait(this.memory, SEQUENCE, seen, remaining);
      }
      return true;
    } finally {
      this.lock.acquire();
      Atomics.sub(this.memory, WAITERS, 1);
    }
  }

  /** Wakes up to n sleeping waiters, and any waiter on its way to sleep. */
  notify(n = 1): void {
    this.mustOwn("notify");
    if (Atomics.load(this.memory, WAITERS) === 0) return; // nobody to wake: no bump, no system call
    Atomics.add(this.memory, SEQUENCE, 1);
    Atomics.notify(this.memory, SEQUENCE, n);
  }

  notifyAll(): void {
    this.notify(Infinity);
  }

  private mustOwn(what: string): void {
    if (!this.lock.isOwned()) throw new Error(`cannot ${what} on un-acquired lock`);
  }
}
