// Reference: the futex semaphore (as in glibc's sem_wait/sem_post): the count in one word, changed
// only by compare-exchange loops, and a count of possible sleepers so that release() pays for
// Atomics.notify only when someone may be asleep.
//
// Word TAKEN counts the permits in use: value = initial - memory[TAKEN]. Fresh (zero-filled) memory
// is therefore a full semaphore, and no constructor ever writes to the memory.

const TAKEN = 0;
/** Threads inside acquire() that may be asleep, or about to sleep, on TAKEN. */
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
    // Stryker disable next-line ConditionalExpression: skipping this fast path, the loop below takes the permit all the same (returning true without one is caught by the pool tests; Stryker disables a mutator for the whole line)
    if (this.tryAcquire()) return true;
    // Stryker disable next-line ConditionalExpression: "false" leaves the deadline NaN when no timeout is given, and Atomics.wait takes a NaN timeout as none: it still waits for ever ("true", which ignores a timeout, is caught by the timeout tests; Stryker disables a mutator for the whole line)
    const deadline = timeout === undefined ? Infinity : performance.now() + Math.max(0, timeout);
    // Announce ourselves before looking again: a release() that misses this increment made its
    // permit visible before it, so the tryAcquire() below sees that permit.
    Atomics.add(this.memory, SLEEPERS, 1);
    try {
      while (!this.tryAcquire()) {
        const remaining = deadline - performance.now();
        // Stryker disable next-line EqualityOperator: "< 0" differs only when exactly no time remains, and then Atomics.wait(…, 0) returns at once and the next look gives up (">" is caught by the timeout tests)
        if (remaining <= 0) return false;
        // Sleeps only while no permit is free (TAKEN === initial); a release in between returns at once.
        Atomics.wait(this.memory, TAKEN, this.initial, remaining);
      }
      // Stryker disable BlockStatement: the finally block below: a sleeper never counted out only makes later releases notify when nobody sleeps
      return true;
    } finally {
      Atomics.sub(this.memory, SLEEPERS, 1);
    }
  }

  // Stryker restore BlockStatement
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
    this.wake(n);
  }

  /** Wakes up to n sleepers, after the permits they need were given back. */
  protected wake(n: number): void {
    // Stryker disable next-line ConditionalExpression,EqualityOperator: notifying when nobody sleeps wakes nobody ("true", ">= 0"); never notifying ("false", "<= 0") is caught by the wake-up tests (Stryker disables a mutator for the whole line)
    if (Atomics.load(this.memory, SLEEPERS) > 0) Atomics.notify(this.memory, TAKEN, n);
  }
}

export class BoundedSemaphore extends Semaphore {
  override release(n = 1): void {
    checkCount(n);
    let taken = Atomics.load(this.memory, TAKEN);
    for (;;) {
      // Checked and changed in one compare-exchange: a failed release changes nothing.
      if (taken - n < 0) throw new RangeError("Semaphore released too many times");
      const seen = Atomics.compareExchange(this.memory, TAKEN, taken, taken - n);
      if (seen === taken) break;
      taken = seen;
    }
    this.wake(n);
  }
}

function checkCount(n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`n must be one or more, got ${n}`);
}
