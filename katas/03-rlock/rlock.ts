// Kata 03: build an RLock (Python's threading.RLock) on three words of shared memory.
// Read katas/03-rlock/README.md first; the hints there get more specific one by one.
// This kata starts again from Atomics: it does not use your Lock from kata 02.

import { threadId } from "node:worker_threads";
import { NotImplementedError } from "#threadkata/errors.ts";

/**
 * Who is calling, as a number to store in shared memory: `threadId` is 0 on the main thread and
 * 1, 2, ... in workers, so `threadId + 1` is never 0, and 0 can mean "no owner".
 */
const me = threadId + 1;

export class RLock {
  /** How many 32-bit words of shared memory one RLock needs. */
  static readonly WORDS = 3;

  /**
   * The lock's shared memory: hand it to another thread (postMessage, workerData) and build
   * `new RLock(memory)` there to use the same lock. All three words start at 0.
   */
  readonly memory: Int32Array;

  /** A new, unlocked RLock; or, given the memory of an existing RLock, that same lock. */
  constructor(memory?: Int32Array) {
    this.memory = memory ?? new Int32Array(new SharedArrayBuffer(RLock.WORDS * Int32Array.BYTES_PER_ELEMENT));
  }

  /**
   * If this thread already owns the lock, counts one more acquire and returns true at once.
   * Otherwise blocks until the lock is free, takes it and returns true. With a timeout
   * (milliseconds), gives up when it expires, never before, and returns false.
   */
  acquire(timeout?: number): boolean {
    // TODO: the owner acquires again without waiting; anyone else takes the lock word (sleeping
    // in Atomics.wait while it is held), then writes itself in as the owner.
    throw new NotImplementedError("03-rlock", "acquire()");
  }

  /**
   * Like acquire() but never sleeps: true if this thread owns the lock now (it already did, or
   * the lock was free), false at once if another thread holds it.
   */
  tryAcquire(): boolean {
    // TODO
    throw new NotImplementedError("03-rlock", "tryAcquire()");
  }

  /**
   * Undoes one acquire. The lock is free for other threads only once every acquire has been
   * released; then wake a thread waiting for it. Throws if this thread does not own the lock.
   */
  release(): void {
    // TODO: check the owner, count down, and at zero forget the owner and free the lock word.
    throw new NotImplementedError("03-rlock", "release()");
  }
}
