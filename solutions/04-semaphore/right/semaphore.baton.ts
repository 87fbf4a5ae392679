// KNOWN RIGHT: a sleeper count and baton passing. release(n) wakes one sleeper, whatever n is; a
// waiter that gets a permit and sees another one free wakes the next sleeper, and so on down the
// line while permits remain. release(3) to four sleepers thus lets three through, one after the
// other, and the fourth sleeps on. memory[1] counts the threads inside acquire() that may sleep.

const TAKEN = 0;
const SLEEPERS = 1;

export class Semaphore {
  static readonly WORDS = 2;
  readonly memory: Int32Array;
  readonly initial: number;

  constructor(value = 1, memory?: Int32Array) {
    if (!Number.isInteger(value) || value < 0)
      throw new RangeError(`semaphore initial value must be >= 0, got ${value}`);
    this.initial = value;
    this.memory = memory ?? new Int32Array(new SharedArrayBuffer(Semaphore.WORDS * Int32Array.BYTES_PER_ELEMENT));
  }

  acquire(timeout?: number): boolean {
    if (this.tryAcquire()) return true;
    const deadline = timeout === undefined ? Infinity : performance.now() + timeout;
    // Counted before the next look, so that a release() that misses us freed its permit first.
    Atomics.add(this.memory, SLEEPERS, 1);
    try {
      for (;;) {
        // After every wake-up we try first: a wake-up we were handed is never dropped unused.
        if (this.tryAcquire()) {
          // Pass the baton: a permit is still free, and someone else may be asleep.
          if (Atomics.load(this.memory, TAKEN) < this.initial) this.wakeOne(1);
          return true;
        }
        const remaining = deadline - performance.now();
        if (remaining <= 0) return false;
        Atomics.wait(this.memory, TAKEN, this.initial, remaining);
      }
    } finally {
      Atomics.sub(this.memory, SLEEPERS, 1);
    }
  }

  tryAcquire(): boolean {
    for (let taken = Atomics.load(this.memory, TAKEN); taken < this.initial;) {
      const seen = Atomics.compareExchange(this.memory, TAKEN, taken, taken + 1);
      if (seen === taken) return true;
      taken = seen;
    }
    return false;
  }

  release(n = 1): void {
    checkCount(n);
    Atomics.sub(this.memory, TAKEN, n);
    this.wakeOne(0);
  }

  /** Wakes one sleeper if more threads than `self` (the caller, if it counts itself) may sleep. */
  protected wakeOne(self: number): void {
    if (Atomics.load(this.memory, SLEEPERS) > self) Atomics.notify(this.memory, TAKEN, 1);
  }
}

export class BoundedSemaphore extends Semaphore {
  override release(n = 1): void {
    checkCount(n);
    for (let taken = Atomics.load(this.memory, TAKEN); ;) {
      if (taken - n < 0) throw new RangeError("Semaphore released too many times");
      const seen = Atomics.compareExchange(this.memory, TAKEN, taken, taken - n);
      if (seen === taken) break;
      taken = seen;
    }
    this.wakeOne(0);
  }
}

function checkCount(n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`n must be one or more, got ${n}`);
}
