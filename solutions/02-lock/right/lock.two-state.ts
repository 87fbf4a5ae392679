// KNOWN RIGHT: the two-state mutex (Drepper's mutex #1 made safe): 0 free, 1 held. acquire() sleeps
// while the word says held; release() cannot tell whether anyone sleeps, so it notifies on every
// release. Simpler than the three-state word, and slower only where nobody waits.

const FREE = 0;
const HELD = 1;

export class Lock {
  static readonly WORDS = 1;
  readonly memory: Int32Array;

  constructor(memory?: Int32Array) {
    this.memory = memory ?? new Int32Array(new SharedArrayBuffer(Lock.WORDS * Int32Array.BYTES_PER_ELEMENT));
  }

  acquire(timeout?: number): boolean {
    const deadline = timeout === undefined ? Infinity : performance.now() + timeout;
    while (Atomics.compareExchange(this.memory, 0, FREE, HELD) !== FREE) {
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
