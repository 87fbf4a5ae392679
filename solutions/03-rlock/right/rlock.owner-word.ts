// KNOWN RIGHT: the owner word is the lock: 0 means free, otherwise it names the owning thread, and
// taking the lock is one compare-exchange from 0 to our id. Word 1 counts the owner's acquires;
// word 2 counts the threads that may be asleep, so that release() notifies only when one may be.
// Waiters sleep on the owner word, as long as it still names the owner they saw.

import { threadId } from "node:worker_threads";

const OWNER = 0;
const COUNT = 1;
const WAITERS = 2;

/** This thread's name in the owner word: threadId is 0 on the main thread, and 0 means "free". */
const me = threadId + 1;

export class RLock {
  static readonly WORDS = 3;
  readonly memory: Int32Array;

  constructor(memory?: Int32Array) {
    this.memory = memory ?? new Int32Array(new SharedArrayBuffer(RLock.WORDS * Int32Array.BYTES_PER_ELEMENT));
  }

  acquire(timeout?: number): boolean {
    if (this.tryAcquire()) return true;
    const deadline = timeout === undefined ? Infinity : performance.now() + timeout;
    // Counted before the next look: a release() that does not see us freed the word before it
    // looked, and our compare-exchange below sees it free.
    Atomics.add(this.memory, WAITERS, 1);
    try {
      for (;;) {
        const owner = Atomics.compareExchange(this.memory, OWNER, 0, me);
        if (owner === 0) {
          Atomics.store(this.memory, COUNT, 1);
          return true;
        }
        const remaining = deadline - performance.now();
        if (remaining <= 0) return false;
        Atomics.wait(this.memory, OWNER, owner, remaining);
      }
    } finally {
      Atomics.sub(this.memory, WAITERS, 1);
    }
  }

  tryAcquire(): boolean {
    const owner = Atomics.compareExchange(this.memory, OWNER, 0, me);
    if (owner === 0) {
      Atomics.store(this.memory, COUNT, 1);
      return true;
    }
    if (owner !== me) return false;
    // Only the owner writes the count while it owns the lock.
    Atomics.store(this.memory, COUNT, Atomics.load(this.memory, COUNT) + 1);
    return true;
  }

  release(): void {
    if (Atomics.load(this.memory, OWNER) !== me) throw new Error("cannot release un-acquired lock");
    const count = Atomics.load(this.memory, COUNT) - 1;
    Atomics.store(this.memory, COUNT, count);
    if (count > 0) return;
    Atomics.store(this.memory, OWNER, 0);
    if (Atomics.load(this.memory, WAITERS) > 0) Atomics.notify(this.memory, OWNER, 1);
  }
}
