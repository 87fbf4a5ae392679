// Kata 02: build a Lock (Python's threading.Lock) on one word of shared memory.
// Read katas/02-lock/README.md first; the hints there get more specific one by one.

import { NotImplementedError } from "#threadkata/errors.ts";

export class Lock {
  /** How many 32-bit words of shared memory one lock needs. */
  static readonly WORDS = 1;

  /**
   * The lock's shared memory: hand it to another thread (postMessage, workerData) and build
   * `new Lock(memory)` there to use the same lock.
   */
  readonly memory: Int32Array;

  /** A new, unlocked lock; or, given the memory of an existing lock, that same lock. */
  constructor(memory?: Int32Array) {
    this.memory = memory ?? new Int32Array(new SharedArrayBuffer(Lock.WORDS * Int32Array.BYTES_PER_ELEMENT));
  }

  /**
   * Blocks until the lock is free, then takes it and returns true. With a timeout (milliseconds),
   * gives up when it expires, never before, and returns false.
   */
  acquire(timeout?: number): boolean {
    // TODO: take the lock atomically; if it is held, sleep with Atomics.wait until it is released.
    throw new NotImplementedError("02-lock", "acquire()");
  }

  /** Takes the lock if it is free and returns true; returns false at once if it is held. */
  tryAcquire(): boolean {
    // TODO
    throw new NotImplementedError("02-lock", "tryAcquire()");
  }

  /** Frees the lock and wakes a thread waiting for it. Throws if the lock is not held. */
  release(): void {
    // TODO: free the lock, then wake one sleeper with Atomics.notify.
    throw new NotImplementedError("02-lock", "release()");
  }

  /** Whether some thread holds the lock right now. */
  locked(): boolean {
    // TODO
    throw new NotImplementedError("02-lock", "locked()");
  }
}
