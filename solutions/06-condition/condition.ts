// Reference: Python's own design (CPython's threading.Condition), in shared memory. Each waiter
// takes a slot, a word of its own, and joins a FIFO queue of slots; the queue is only ever touched
// by the thread holding the lock. notify(n) takes the n oldest waiters off the queue and changes
// their words; a waiter sleeps on its own word, so it cannot miss the change (Atomics.wait returns
// at once when the word no longer says WAITING), and nobody else's notify can wake it. That is
// why notify(n) wakes exactly min(n, waiting) threads, never more.
//
// A waiter whose timeout expires races with a notify for its slot: both compare-exchange from
// WAITING, and exactly one wins. If the notify wins, wait() returns true and the notify is not
// wasted on a thread that was leaving anyway.

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
    // Stryker disable next-line StringLiteral: the name only goes into the message, which is for people; the promise is that it throws
    this.mustOwn("wait");
    const slot = this.join();
    this.lock.release();
    // Stryker disable next-line BooleanLiteral: sleep() cannot throw in a worker (Atomics.wait is allowed there), so this value is never read
    let notified = false;
    try {
      notified = this.sleep(slot, performance.now() + (timeout ?? Infinity));
    } finally {
      this.lock.acquire();
      this.leave(slot); // a timed-out waiter's slot is still in the queue; a notified one's is not
      Atomics.store(this.memory, SLOTS + slot, FREE);
    }
    return notified;
  }

  waitFor(predicate: () => boolean, timeout?: number): boolean {
    const deadline = performance.now() + (timeout ?? Infinity);
    let result = predicate();
    let remaining = timeout;
    // As in Python, the clock is read only after a wait(): even a timeout of 0 waits once. With no
    // timeout, what remains is Infinity, and wait(Infinity) is wait().
    while (!result) {
      this.wait(remaining);
      result = predicate();
      remaining = deadline - performance.now();
      // Stryker disable next-line EqualityOperator: a difference of two clock readings is never exactly 0 on purpose; at 0, wait(0) returns at once and the next pass breaks
      if (remaining <= 0) break;
    }
    return result;
  }

  notify(n = 1): void {
    // Stryker disable next-line StringLiteral: the name only goes into the message, which is for people; the promise is that it throws
    this.mustOwn("notify");
    while (n > 0 && Atomics.load(this.memory, LENGTH) > 0) {
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
    // Stryker disable next-line StringLiteral: the message is for people; the promise is that it throws
    if (!this.lock.isOwned()) throw new Error(`cannot ${what} on un-acquired lock`);
  }

  /** Under the lock: a free slot, marked WAITING and put at the back of the queue. */
  private join(): number {
    // Stryker disable next-line EqualityOperator: slot MAX_WAITERS lies past the condition's memory, so Atomics.load throws there: the 65th waiter throws either way
    for (let slot = 0; slot < MAX_WAITERS; slot++) {
      if (Atomics.load(this.memory, SLOTS + slot) === FREE) {
        Atomics.store(this.memory, SLOTS + slot, WAITING);
        const length = Atomics.load(this.memory, LENGTH);
        Atomics.store(this.memory, QUEUE + ((Atomics.load(this.memory, HEAD) + length) % MAX_WAITERS), slot);
        Atomics.store(this.memory, LENGTH, length + 1);
        return slot;
      }
    }
    // Stryker disable next-line StringLiteral: the message is for people; the promise is that it throws
    throw new Error(`more than ${MAX_WAITERS} threads waiting on one Condition`);
  }

  /** Without the lock: sleeps on the slot until a notify changes it; false if the time ran out first. */
  private sleep(slot: number, deadline: number): boolean {
    const word = SLOTS + slot;
    while (Atomics.load(this.memory, word) === WAITING) {
      const remaining = deadline - performance.now();
      // Time is up, unless a notify has just won the race for this slot: then it was notified.
      // Stryker disable next-line EqualityOperator: at exactly 0, Atomics.wait(…, 0) returns at once and the next pass finds the time below 0
      if (remaining <= 0) return Atomics.compareExchange(this.memory, word, WAITING, TIMED_OUT) !== WAITING;
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

  /** Under the lock: takes a waiter's slot out of the queue, if a notify has not already. */
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
