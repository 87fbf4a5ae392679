// Kata 04: build a Semaphore and a BoundedSemaphore (Python's threading.Semaphore and
// threading.BoundedSemaphore) on shared memory.
// Read katas/04-semaphore/README.md first; the hints there get more specific one by one.

import { NotImplementedError } from "#threadkata/errors.ts";

export class Semaphore {
  /** How many 32-bit words of shared memory one semaphore needs. */
  static readonly WORDS = 2;

  /**
   * The semaphore's shared memory: hand it to another thread (postMessage, workerData) and build
   * `new Semaphore(initial, memory)` there, with the same initial value, to use the same semaphore.
   *
   * memory[0] counts the permits in use: the value (permits free) is `initial - memory[0]`.
   * New memory is all zeros, so a new semaphore is full, and the constructor never writes to it.
   * memory[1] is yours to use (for example, to count the threads that may be asleep).
   */
  readonly memory: Int32Array;

  /** The value the semaphore started with: `new Semaphore(3)` has 3 permits free. */
  readonly initial: number;

  /**
   * A new semaphore with `value` permits (Python's default is 1); or, given the memory of an
   * existing semaphore made with the same value, that same semaphore. Throws a RangeError if
   * `value` is negative.
   */
  constructor(value = 1, memory?: Int32Array) {
    if (!Number.isInteger(value) || value < 0)
      throw new RangeError(`semaphore initial value must be >= 0, got ${value}`);
    this.initial = value;
    this.memory = memory ?? new Int32Array(new SharedArrayBuffer(Semaphore.WORDS * Int32Array.BYTES_PER_ELEMENT));
  }

  /**
   * Takes one permit and returns true, sleeping while none is free. With a timeout (milliseconds),
   * gives up when it expires, never before, and returns false.
   */
  acquire(timeout?: number): boolean {
    // TODO: take a permit as tryAcquire() does; while none is free, sleep with Atomics.wait.
    throw new NotImplementedError("04-semaphore", "acquire()");
  }

  /** Takes one permit if one is free and returns true; returns false at once if none is. */
  tryAcquire(): boolean {
    // TODO: one permit more in use, but only if fewer than `initial` are: one indivisible step.
    throw new NotImplementedError("04-semaphore", "tryAcquire()");
  }

  /**
   * Gives back `n` permits (default 1) and wakes up to `n` threads waiting for one. Throws a
   * RangeError if `n` is less than 1.
   */
  release(n = 1): void {
    // TODO: give the permits back, then wake up to n sleepers with Atomics.notify.
    throw new NotImplementedError("04-semaphore", "release()");
  }
}

/** A Semaphore that refuses to go above its initial value: a release too many is a bug. */
export class BoundedSemaphore extends Semaphore {
  /**
   * Like Semaphore.release(n), but throws a RangeError ("Semaphore released too many times") if
   * the value would go above its initial value, and then changes nothing.
   */
  override release(n = 1): void {
    // TODO: check and give back in one indivisible step.
    throw new NotImplementedError("04-semaphore", "BoundedSemaphore.release()");
  }
}
