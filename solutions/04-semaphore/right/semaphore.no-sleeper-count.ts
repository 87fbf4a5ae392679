// KNOWN RIGHT: no count of sleepers: release(n) always notifies n, whether anyone sleeps or not.
// acquire() waits with whatever time is left, even none: Atomics.wait with a timeout of 0 never
// blocks (it says "timed-out" at once, or "not-equal" if a permit came free), so the same loop
// serves acquire(), acquire(timeout) and acquire(0). memory[1] stays unused.

const TAKEN = 0;

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
    const deadline = timeout === undefined ? Infinity : performance.now() + timeout;
    for (;;) {
      if (this.tryAcquire()) return true;
      const remaining = Math.max(0, deadline - performance.now());
      // Sleeps only while every permit is in use; "timed-out" with no time left is the end.
      if (Atomics.wait(this.memory, TAKEN, this.initial, remaining) === "timed-out" && remaining === 0) return false;
    }
  }

  tryAcquire(): boolean {
    let taken = Atomics.load(this.memory, TAKEN);
    while (taken < this.initial) {
      const seen = Atomics.compareExchange(this.memory, TAKEN, taken, taken + 1);
      if (seen === taken) return true;
      taken = seen;
    }
    return false;
  }

  release(n = 1): void {
    checkCount(n);
    Atomics.sub(this.memory, TAKEN, n);
    Atomics.notify(this.memory, TAKEN, n);
  }
}

export class BoundedSemaphore extends Semaphore {
  override release(n = 1): void {
    checkCount(n);
    let taken = Atomics.load(this.memory, TAKEN);
    for (;;) {
      if (taken < n) throw new RangeError("Semaphore released too many times");
      const seen = Atomics.compareExchange(this.memory, TAKEN, taken, taken - n);
      if (seen === taken) break;
      taken = seen;
    }
    Atomics.notify(this.memory, TAKEN, n);
  }
}

function checkCount(n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`n must be one or more, got ${n}`);
}
