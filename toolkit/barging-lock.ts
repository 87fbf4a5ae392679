// A ready lock built for throughput, as Python's threading.Lock is: the lock under kata 08's queue.
// "Barging" means that a thread which finds the lock free takes it at once, even while others sleep
// waiting for it. That is unfair (a sleeper can be passed over again and again), and it is what
// makes it fast: the lock never stands idle waiting for a sleeping thread to wake up and take its
// turn, as a fair lock's hand-over does. The ticket lock (ticket-lock.ts) is the fair one: first
// come, first served, at the price of one wake-up per hand-over once more threads want the lock
// than there are cores.
//
// What else makes it fast:
// - a short spin before sleeping: a holder that is running lets go within a few hundred
//   nanoseconds, far less than a sleep and a wake-up cost (tens of microseconds);
// - release() calls Atomics.notify only if someone sleeps (the SLEEPERS count).
// A sleeper counts itself in SLEEPERS before it sleeps, and sleeps only while the lock is held
// (Atomics.wait checks STATE and sleeps in one step). release() frees STATE first and reads
// SLEEPERS second; so either it sees the sleeper and wakes it, or the sleeper's check sees the lock
// free and does not sleep: no wake-up is lost.

import { threadId } from "node:worker_threads";
import { lockObserver } from "#threadkata/lock-observer.ts";
import { spinsBeforeSleep } from "#threadkata/spin-hint.ts";
import type { OwnedLock } from "./ticket-lock.ts";

const STATE = 0;
const OWNER = 1;
const SLEEPERS = 2;

const FREE = 0;
const HELD = 1;

/** Reads of a held lock before going to sleep: a few microseconds. */
const spins = 2000;

/** This thread's name in the owner word: threadId is 0 on the main thread, and 0 means "nobody". */
const me = threadId + 1;

export class BargingLock implements OwnedLock {
  /** How many 32-bit words of shared memory one lock needs. */
  static readonly WORDS = 3;
  /** Share it as the other primitives: hand `memory` to another thread, `new BargingLock(memory)` there. */
  readonly memory: Int32Array;

  constructor(memory?: Int32Array) {
    this.memory = memory ?? new Int32Array(new SharedArrayBuffer(BargingLock.WORDS * Int32Array.BYTES_PER_ELEMENT));
  }

  // Each call tells the test harness, if one runs this thread, who holds and who waits for the
  // lock, so that a deadlock's failure names the cycle (harness/lock-observer.ts); elsewhere a no-op.

  acquire(): void {
    if (!this.take()) {
      lockObserver()?.waiting(this.memory);
      let taken = false;
      const limit = spinsBeforeSleep(spins);
      for (let spin = 0; spin < limit && !taken; spin++) {
        taken = Atomics.load(this.memory, STATE) === FREE && this.take();
      }
      while (!taken) {
        Atomics.add(this.memory, SLEEPERS, 1);
        Atomics.wait(this.memory, STATE, HELD);
        Atomics.sub(this.memory, SLEEPERS, 1);
        taken = this.take();
      }
    }
    this.own();
  }

  /** Takes the lock only if it is free (Python: acquire(blocking=False)); never sleeps. */
  tryAcquire(): boolean {
    if (!this.take()) {
      lockObserver()?.waiting(this.memory); // wanted and not had: a thread retrying this waits for it too
      return false;
    }
    this.own();
    return true;
  }

  release(): void {
    if (Atomics.load(this.memory, OWNER) !== me)
      throw new Error("release() of a BargingLock this thread does not hold");
    lockObserver()?.released(this.memory);
    Atomics.store(this.memory, OWNER, 0);
    Atomics.store(this.memory, STATE, FREE);
    if (Atomics.load(this.memory, SLEEPERS) > 0) Atomics.notify(this.memory, STATE, 1);
  }

  isOwned(): boolean {
    return Atomics.load(this.memory, OWNER) === me;
  }

  locked(): boolean {
    return Atomics.load(this.memory, STATE) === HELD;
  }

  private take(): boolean {
    return Atomics.compareExchange(this.memory, STATE, FREE, HELD) === FREE;
  }

  private own(): void {
    Atomics.store(this.memory, OWNER, me);
    lockObserver()?.acquired(this.memory);
  }
}
