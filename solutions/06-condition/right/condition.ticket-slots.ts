// KNOWN RIGHT: a slot per waiter and a ticket per wait(), no queue. A waiter takes a free slot and
// the next ticket, both under the lock; notify(n) picks, n times, the waiting slot with the oldest
// ticket. Every decision is made under the lock: a waiter whose time ran out goes back for the lock
// and only then looks at its slot. A notify that picked it meanwhile counts (wait() returns true);
// otherwise it frees its slot, and later notifies cannot pick it.

import type { OwnedLock } from "#toolkit/ticket-lock.ts";

/** The most threads that can wait on one condition at the same time. */
const MAX_WAITERS = 64;

// Layout: the next ticket, then each slot's state, then each slot's ticket.
const NEXT_TICKET = 0;
const STATE = 1;
const TICKET = STATE + MAX_WAITERS;

const FREE = 0;
const WAITING = 1;
const NOTIFIED = 2;

export class Condition {
  static readonly WORDS = TICKET + MAX_WAITERS;
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
    const slot = this.freeSlot();
    Atomics.store(this.memory, TICKET + slot, Atomics.add(this.memory, NEXT_TICKET, 1));
    Atomics.store(this.memory, STATE + slot, WAITING);
    const deadline = timeout === undefined ? Infinity : performance.now() + timeout;
    this.lock.release();
    try {
      // A notify between the release and the sleep changed the slot: the wait returns at once.
      while (Atomics.load(this.memory, STATE + slot) === WAITING) {
        const remaining = deadline - performance.now();
        if (remaining <= 0) break;
        Atomics.wait(this.memory, STATE + slot, WAITING, remaining);
      }
    } finally {
      this.lock.acquire();
    }
    const notified = Atomics.load(this.memory, STATE + slot) === NOTIFIED;
    Atomics.store(this.memory, STATE + slot, FREE);
    return notified;
  }

  waitFor(predicate: () => boolean, timeout?: number): boolean {
    let result = predicate();
    if (result) return result;
    if (timeout === undefined) {
      while (!result) {
        this.wait();
        result = predicate();
      }
      return result;
    }
    // Python's loop: the first wait gets the whole timeout, each later one what is left of it.
    const deadline = performance.now() + timeout;
    let remaining = timeout;
    while (!result) {
      this.wait(remaining);
      result = predicate();
      remaining = deadline - performance.now();
      if (remaining <= 0) break;
    }
    return result;
  }

  notify(n = 1): void {
    this.mustOwn("notify");
    for (; n > 0; n--) {
      const slot = this.oldestWaiting();
      if (slot < 0) return;
      Atomics.store(this.memory, STATE + slot, NOTIFIED);
      Atomics.notify(this.memory, STATE + slot, 1);
    }
  }

  notifyAll(): void {
    this.notify(Infinity);
  }

  private mustOwn(what: string): void {
    if (!this.lock.isOwned()) throw new Error(`cannot ${what} on un-acquired lock`);
  }

  private freeSlot(): number {
    for (let slot = 0; slot < MAX_WAITERS; slot++) {
      if (Atomics.load(this.memory, STATE + slot) === FREE) return slot;
    }
    throw new Error(`more than ${MAX_WAITERS} threads waiting on one Condition`);
  }

  /** Under the lock: the waiting slot with the oldest ticket, or -1. */
  private oldestWaiting(): number {
    let oldest = -1;
    let oldestTicket = 0;
    for (let slot = 0; slot < MAX_WAITERS; slot++) {
      if (Atomics.load(this.memory, STATE + slot) !== WAITING) continue;
      const ticket = Atomics.load(this.memory, TICKET + slot);
      // Tickets wrap around at 2^32: compare by their difference, not their size.
      if (oldest < 0 || ((ticket - oldestTicket) | 0) < 0) {
        oldest = slot;
        oldestTicket = ticket;
      }
    }
    return oldest;
  }
}
