// KNOWN RIGHT: the waiters in a linked list of slots. Each waiter takes a free slot and links it at
// the tail (under the lock); notify(n) unlinks from the head and changes the slot's word, on which
// its waiter sleeps. A waiter whose time runs out races the notify for its slot with a
// compare-exchange; if it wins it unlinks itself once it has the lock back. waitFor() looks at the
// clock before each wait and gives up as soon as no time is left.

import type { OwnedLock } from "#toolkit/ticket-lock.ts";

/** The most threads that can wait on one condition at the same time. */
const MAX_WAITERS = 64;

// Layout: head and tail of the list (slot + 1; 0 is "none"), each slot's link, each slot's state.
const HEAD = 0;
const TAIL = 1;
const LINK = 2;
const STATE = LINK + MAX_WAITERS;

const FREE = 0;
const WAITING = 1;
const NOTIFIED = 2;
const GAVE_UP = 3;

export class Condition {
  static readonly WORDS = STATE + MAX_WAITERS;
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
    if (!this.lock.isOwned()) throw new Error("cannot wait on un-acquired lock");
    const slot = this.enqueue();
    const deadline = timeout === undefined ? Infinity : performance.now() + timeout;
    this.lock.release();
    let notified = true;
    try {
      while (Atomics.load(this.memory, STATE + slot) === WAITING) {
        const remaining = deadline - performance.now();
        if (remaining <= 0) {
          // Only one of us and a notify can move the slot on from WAITING.
          notified = Atomics.compareExchange(this.memory, STATE + slot, WAITING, GAVE_UP) !== WAITING;
          break;
        }
        Atomics.wait(this.memory, STATE + slot, WAITING, remaining);
      }
    } finally {
      this.lock.acquire();
      if (Atomics.load(this.memory, STATE + slot) !== NOTIFIED) {
        notified = false;
        this.unlink(slot);
      }
      Atomics.store(this.memory, STATE + slot, FREE);
    }
    return notified;
  }

  waitFor(predicate: () => boolean, timeout?: number): boolean {
    const deadline = timeout === undefined ? Infinity : performance.now() + timeout;
    let result = predicate();
    while (!result) {
      const remaining = deadline - performance.now();
      if (remaining <= 0) break;
      this.wait(timeout === undefined ? undefined : remaining);
      result = predicate();
    }
    return result;
  }

  notify(n = 1): void {
    if (!this.lock.isOwned()) throw new Error("cannot notify on un-acquired lock");
    while (n > 0) {
      const head = Atomics.load(this.memory, HEAD);
      if (head === 0) return;
      const slot = head - 1;
      this.unlink(slot);
      // A waiter that gave up meanwhile keeps its slot; the notify goes on to the next one.
      if (Atomics.compareExchange(this.memory, STATE + slot, WAITING, NOTIFIED) === WAITING) {
        Atomics.notify(this.memory, STATE + slot, 1);
        n--;
      }
    }
  }

  notifyAll(): void {
    this.notify(Infinity);
  }

  /** Under the lock: a free slot, WAITING, linked at the tail. */
  private enqueue(): number {
    for (let slot = 0; slot < MAX_WAITERS; slot++) {
      if (Atomics.load(this.memory, STATE + slot) !== FREE) continue;
      Atomics.store(this.memory, STATE + slot, WAITING);
      Atomics.store(this.memory, LINK + slot, 0);
      const tail = Atomics.load(this.memory, TAIL);
      Atomics.store(this.memory, tail === 0 ? HEAD : LINK + tail - 1, slot + 1);
      Atomics.store(this.memory, TAIL, slot + 1);
      return slot;
    }
    throw new Error(`more than ${MAX_WAITERS} threads waiting on one Condition`);
  }

  /** Under the lock: takes `slot` out of the list, if it is in it. */
  private unlink(slot: number): void {
    let before = 0; // the slot before it, + 1; 0 while at the head
    for (
      let at = Atomics.load(this.memory, HEAD);
      at !== 0;
      before = at, at = Atomics.load(this.memory, LINK + at - 1)
    ) {
      if (at !== slot + 1) continue;
      const after = Atomics.load(this.memory, LINK + slot);
      Atomics.store(this.memory, before === 0 ? HEAD : LINK + before - 1, after);
      if (after === 0) Atomics.store(this.memory, TAIL, before);
      return;
    }
  }
}
