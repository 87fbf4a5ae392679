// Kata 06: build a Condition (Python's threading.Condition) in shared memory, bound to a lock.
// Read katas/06-condition/README.md first; the hints there get more specific one by one.

import { NotImplementedError } from "#threadkata/errors.ts";
import type { OwnedLock } from "#toolkit/ticket-lock.ts";

export class Condition {
  /**
   * How many 32-bit words of shared memory one condition needs. 130 is room for a queue of 64
   * waiters and 64 words of their own (see the hints); change it if your design needs more or less.
   */
  static readonly WORDS = 130;

  /** The lock this condition is bound to: wait() releases it while asleep and takes it back. */
  readonly lock: OwnedLock;

  /**
   * The condition's shared memory: hand it (and the lock's memory) to another thread and build
   * `new Condition(new TicketLock(lockMemory), memory)` there to use the same condition.
   */
  readonly memory: Int32Array;

  /**
   * A condition bound to `lock`; or, given the memory of an existing condition, that same condition
   * (unchanged). Zero-filled memory is a condition nobody waits on.
   */
  constructor(lock: OwnedLock, memory?: Int32Array) {
    this.lock = lock;
    this.memory = memory ?? new Int32Array(new SharedArrayBuffer(Condition.WORDS * Int32Array.BYTES_PER_ELEMENT));
  }

  /** Takes the lock (Python: `with condition:` or `condition.acquire()`). */
  acquire(): void {
    this.lock.acquire();
  }

  /** Lets the lock go. */
  release(): void {
    this.lock.release();
  }

  /**
   * Releases the lock, sleeps until another thread calls notify() or notifyAll(), then takes the
   * lock back and returns true. With a timeout (milliseconds), returns false if it expires first
   * (the lock is taken back either way). Throws unless the calling thread holds the lock.
   */
  wait(timeout?: number): boolean {
    // TODO: a notify that comes after you release the lock, but before you fall asleep, must
    // still wake you. Decide what you sleep on, and what notify() changes, before you release.
    throw new NotImplementedError("06-condition", "wait()");
  }

  /**
   * Waits until `predicate()` is true: checks it, and while it is false, wait()s and checks again.
   * Returns the predicate's last value: false only if the timeout (ms, for the whole call) expired.
   * Throws unless the calling thread holds the lock.
   */
  waitFor(predicate: () => boolean, timeout?: number): boolean {
    // TODO
    throw new NotImplementedError("06-condition", "waitFor()");
  }

  /**
   * Wakes up to `n` threads waiting on this condition (the longest-waiting first); none if nobody
   * waits. They return from wait() once they get the lock back. Throws unless the calling thread
   * holds the lock.
   */
  notify(n = 1): void {
    // TODO
    throw new NotImplementedError("06-condition", "notify()");
  }

  /** Wakes every thread waiting on this condition (Python: notify_all()). */
  notifyAll(): void {
    // TODO
    throw new NotImplementedError("06-condition", "notifyAll()");
  }
}
