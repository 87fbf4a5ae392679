// Kata 16: build a readers-writer lock on shared memory: many readers inside together, a writer
// alone, and a writer never starved by a stream of readers.
// Read katas/16-rwlock/README.md first; the hints there get more specific one by one.
// This kata starts again from Atomics: it does not use your answers to the earlier katas.

import { threadId } from "node:worker_threads";
import { NotImplementedError } from "#threadkata/errors.ts";

/**
 * Who is calling, as a number to store in shared memory: `threadId` is 0 on the main thread and
 * 1, 2, ... in workers, so `threadId + 1` is never 0, and 0 can mean "nobody".
 */
const me = threadId + 1;

export class RWLock {
  /**
   * How many 32-bit words of shared memory one RWLock needs. Two are enough (see the hints);
   * change it if your design needs more. Every word starts at 0.
   */
  static readonly WORDS = 2;

  /**
   * The lock's shared memory: hand it to another thread (postMessage, workerData) and build
   * `new RWLock(memory)` there to use the same lock.
   */
  readonly memory: Int32Array;

  /** A new, free RWLock; or, given the memory of an existing RWLock, that same lock. */
  constructor(memory?: Int32Array) {
    this.memory = memory ?? new Int32Array(new SharedArrayBuffer(RWLock.WORDS * Int32Array.BYTES_PER_ELEMENT));
  }

  /**
   * Enters as a reader and returns true: at once if no writer is inside and none waits, otherwise
   * after sleeping until that is so. With a timeout (milliseconds), gives up when it expires,
   * never before, and returns false.
   */
  acquireRead(timeout?: number): boolean {
    // TODO: count yourself in as a reader, in one indivisible step with the check that no writer
    // is inside or waiting; sleep in Atomics.wait while one is.
    throw new NotImplementedError("16-rwlock", "acquireRead()");
  }

  /** Like acquireRead() but never sleeps: false at once if a writer is inside or waiting. */
  tryAcquireRead(): boolean {
    // TODO
    throw new NotImplementedError("16-rwlock", "tryAcquireRead()");
  }

  /** Leaves as a reader; the last reader out wakes a waiting writer. Throws if no reader is inside. */
  releaseRead(): void {
    // TODO
    throw new NotImplementedError("16-rwlock", "releaseRead()");
  }

  /**
   * Enters as the writer and returns true once nobody else is inside; from the moment it starts
   * waiting, no new reader gets in. With a timeout (milliseconds), gives up when it expires, never
   * before, returns false, and lets in the readers it held back.
   */
  acquireWrite(timeout?: number): boolean {
    // TODO: say that a writer waits (so new readers stay out), wait until no reader and no writer
    // is inside, then go from waiting to inside. On a timeout, take the "waiting" back.
    throw new NotImplementedError("16-rwlock", "acquireWrite()");
  }

  /** Like acquireWrite() but never sleeps: false at once if anyone (reader or writer) is inside. */
  tryAcquireWrite(): boolean {
    // TODO
    throw new NotImplementedError("16-rwlock", "tryAcquireWrite()");
  }

  /** Leaves as the writer and wakes whoever waits. Throws unless this thread holds the write lock. */
  releaseWrite(): void {
    // TODO: remember who holds the write lock (`me`), so that only that thread may release it.
    throw new NotImplementedError("16-rwlock", "releaseWrite()");
  }
}
