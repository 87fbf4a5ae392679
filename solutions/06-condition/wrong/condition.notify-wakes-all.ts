// KNOWN WRONG: notify(n) wakes every waiter (it is notifyAll()).
// Programs that loop on `while` stay correct, but each notify(1) wakes the whole crowd to fight
// for the lock, and Python's notify(n) wakes at most n.

import type { OwnedLock } from "#toolkit/ticket-lock.ts";

/** The most threads that can wait on one condition at the same time. */
const MAX_WAITERS = 64;

// Layout: the queue's head and length, the queue (a ring of slot numbers), then the slots.
const HEAD = 0;
const LENGTH = 1;
const QUEUE = 2;
const SLOTS = QUEUE + MAX_WAITERS;

const FREE = 0;
const WAITING = 1;
const NOTIFIED = 2;
const TIMED_OUT = 3;

export class Condition {
  static readonly WORDS = SLOTS + MAX_WAITERS;
  readonly lock: OwnedLock;
  readonly memory: Int32Array;

  constructor(lock: OwnedLock, memory?: Int32Array) {
    this.lock = lock;
    this.memory = memory ?? new Int32Array(new SharedArrayBuffer(Condition.WORDS * Int32Array.BYTES_PER_ELEMENT));
  }

  acquire(): void {
    this.lock.acquire();
  }

  release(): void {
    this.lock.release();
  }

  wait(timeout?: number): boolean {
    this.mustOwn("wait");
    const slot = this.join();
    this.lock.release();
    let notified = false;
    try {
      notified = this.sleep(slot, timeout === undefined ? Infinity : performance.now() + timeout);
    } finally {
      this.lock.acquire();
      if (!notified) this.leave(slot);
      Atomics.store(this.memory, SLOTS + slot, FREE);
    }
    return notified;
  }

  waitFor(predicate: () => boolean, timeout?: number): boolean {
    const deadline = timeout === undefined ? Infinity : performance.now() + timeout;
    let result = predicate();
    let remaining = timeout;
    // As in Python, the clock is read only after a wait(): even a timeout of 0 waits once.
    while (!result) {
      this.wait(remaining);
      result = predicate();
      if (timeout === undefined || result) continue;
      remaining = deadline - performance.now();
      if (remaining <= 0) break;
    }
    return result;
  }

  notify(n = 1): void {
    this.mustOwn("notify");
    while (Atomics.load(this.memory, LENGTH) > 0) {
      const slot = this.takeOldest();
      // A waiter that timed out meanwhile keeps its TIMED_OUT; the notify goes to the next one.
      if (Atomics.compareExchange(this.memory, SLOTS + slot, WAITING, NOTIFIED) === WAITING) {
        Atomics.notify(this.memory, SLOTS + slot, 1);
        n--;
      }
    }
  }

  notifyAll(): void {
    this.notify(Infinity);
  }

  private mustOwn(what: string): void {
    if (!this.lock.isOwned()) throw new Error(`cannot ${what} on un-acquired lock`);
  }

  /** Under the lock: a free slot, marked WAITING and put at the back of the queue. */
  private join(): number {
    for (let slot = 0; slot < MAX_WAITERS; slot++) {
      if (Atomics.load(this.memory, SLOTS + slot) === FREE) {
        Atomics.store(this.memory, SLOTS + slot, WAITING);
        const length = Atomics.load(this.memory, LENGTH);
        Atomics.store(this.memory, QUEUE + ((Atomics.load(this.memory, HEAD) + length) % MAX_WAITERS), slot);
        Atomics.store(this.memory, LENGTH, length + 1);
        return slot;
      }
    }
    throw new Error(`more than ${MAX_WAITERS} threads waiting on one Condition`);
  }

  /** Without the lock: sleeps on the slot until a notify changes it; false if the time ran out first. */
  private sleep(slot: number, deadline: number): boolean {
    const word = SLOTS + slot;
    while (Atomics.load(this.memory, word) === WAITING) {
      const remaining = deadline - performance.now();
      if (remaining <= 0) {
        if (Atomics.compareExchange(this.memory, word, WAITING, TIMED_OUT) === WAITING) return false;
        break; // a notify won the race for this slot
      }
      Atomics.wait(this.memory, word, WAITING, remaining);
    }
    return true;
  }

  /** Under the lock: the oldest waiter's slot, off the front of the queue. */
  private takeOldest(): number {
    const head = Atomics.load(this.memory, HEAD);
    Atomics.store(this.memory, HEAD, (head + 1) % MAX_WAITERS);
    Atomics.sub(this.memory, LENGTH, 1);
    return Atomics.load(this.memory, QUEUE + head);
  }

  /** Under the lock: takes a timed-out waiter's slot out of the queue, if a notify has not already. */
  private leave(slot: number): void {
    const head = Atomics.load(this.memory, HEAD);
    const length = Atomics.load(this.memory, LENGTH);
    let kept = 0;
    for (let i = 0; i < length; i++) {
      const queued = Atomics.load(this.memory, QUEUE + ((head + i) % MAX_WAITERS));
      if (queued !== slot) Atomics.store(this.memory, QUEUE + ((head + kept++) % MAX_WAITERS), queued);
    }
    Atomics.store(this.memory, LENGTH, kept);
  }
}
