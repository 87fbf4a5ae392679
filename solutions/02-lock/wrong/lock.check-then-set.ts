// KNOWN WRONG: check-then-set with plain loads and stores.
// Two threads both see the lock free, and both store 1: both are inside at once.
// The suite must reject it: mutual exclusion is broken.

export class Lock {
  static readonly WORDS = 1;
  readonly memory: Int32Array;

  constructor(memory?: Int32Array) {
    this.memory = memory ?? new Int32Array(new SharedArrayBuffer(Lock.WORDS * Int32Array.BYTES_PER_ELEMENT));
  }

  acquire(timeout?: number): boolean {
    const deadline = timeout === undefined ? Infinity : performance.now() + timeout;
    while (this.memory[0] !== 0) {
      const remaining = deadline - performance.now();
      if (remaining <= 0) return false;
      Atomics.wait(this.memory, 0, 1, remaining);
    }
    this.memory[0] = 1; // the check above and this store are two steps: another thread fits between
    return true;
  }

  tryAcquire(): boolean {
    if (this.memory[0] !== 0) return false;
    this.memory[0] = 1;
    return true;
  }

  release(): void {
    if (this.memory[0] === 0) throw new Error("release unlocked lock");
    this.memory[0] = 0;
    Atomics.notify(this.memory, 0, 1);
  }

  locked(): boolean {
    return this.memory[0] !== 0;
  }
}
