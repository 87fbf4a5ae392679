// KNOWN RIGHT: a test-and-test-and-set lock that spins long before it sleeps. acquire() reads the
// word up to 5000 times while it is held (reads only, so the holder's cache line stays put), tries
// to take it whenever it reads free, and only then sleeps on it. Two states, so release() cannot
// tell whether anyone sleeps and notifies on every release. How long to spin is a tuning choice,
// not a mistake: 5000 reads take microseconds, and the explore mode must not call them an endless
// loop, nor let the clock run while they last.

const FREE = 0;
const HELD = 1;
/** Reads of a held lock before acquire() goes to sleep. */
const SPINS = 5000;

export class Lock {
  static readonly WORDS = 1;
  readonly memory: Int32Array;

  constructor(memory?: Int32Array) {
    this.memory = memory ?? new Int32Array(new SharedArrayBuffer(Lock.WORDS * Int32Array.BYTES_PER_ELEMENT));
  }

  acquire(timeout?: number): boolean {
    if (this.tryAcquire()) return true;
    const deadline = timeout === undefined ? Infinity : performance.now() + timeout;
    // A timed call with no time to wait does not spin either: acquire(0) is a tryAcquire().
    const spins = timeout === 0 ? 0 : SPINS;
    for (let spin = 0; spin < spins; spin++) {
      if (Atomics.load(this.memory, 0) === FREE && this.tryAcquire()) return true;
    }
    while (!this.tryAcquire()) {
      const remaining = deadline - performance.now();
      if (remaining <= 0) return false;
      // Returns at once if a release came between the compare-exchange and here.
      Atomics.wait(this.memory, 0, HELD, remaining);
    }
    return true;
  }

  tryAcquire(): boolean {
    return Atomics.compareExchange(this.memory, 0, FREE, HELD) === FREE;
  }

  release(): void {
    if (Atomics.exchange(this.memory, 0, FREE) === FREE) throw new Error("release unlocked lock");
    Atomics.notify(this.memory, 0, 1);
  }

  locked(): boolean {
    return Atomics.load(this.memory, 0) === HELD;
  }
}
