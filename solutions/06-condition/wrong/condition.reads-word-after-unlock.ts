// KNOWN WRONG: wait() reads the word it will sleep on after releasing the lock (lost wakeup).
// A notify() between the release and the read bumps the word before this thread has seen it; the
// thread then sleeps on the new value, waiting for a notify that already came.

import type { OwnedLock } from "#toolkit/ticket-lock.ts";

const SEQUENCE = 0;

export class Condition {
  static readonly WORDS = 1;
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
    const deadline = timeout === undefined ? Infinity : performance.now() + timeout;
    this.lock.release();
    const seen = Atomics.load(this.memory, SEQUENCE);
    let notified = true;
    try {
      while (Atomics.load(this.memory, SEQUENCE) === seen) {
        const remaining = deadline - performance.now();
        if (remaining <= 0) {
          notified = false;
          break;
        }
        Atomics.wait(this.memory, SEQUENCE, seen, remaining);
      }
    } finally {
      this.lock.acquire();
    }
    return notified;
  }

  waitFor(predicate: () => boolean, timeout?: number): boolean {
    const deadline = timeout === undefined ? Infinity : performance.now() + timeout;
    let result = predicate();
    let remaining = timeout;
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
