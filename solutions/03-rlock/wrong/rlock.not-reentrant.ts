// KNOWN WRONG: a plain Lock, not reentrant. The owner's nested acquire() waits for the lock it
// holds itself, for ever: a thread deadlocked on its own lock.

const UNLOCKED = 0;
const LOCKED = 1;
/** Locked, and some thread may be asleep waiting for it. */
const CONTENDED = 2;

export class RLock {
  static readonly WORDS = 3;
  readonly memory: Int32Array;

  constructor(memory?: Int32Array) {
    this.memory = memory ?? new Int32Array(new SharedArrayBuffer(RLock.WORDS * Int32Array.BYTES_PER_ELEMENT));
  }

  acquire(timeout?: number): boolean {
    let state = Atomics.compareExchange(this.memory, 0, UNLOCKED, LOCKED);
    if (state === UNLOCKED) return true;
    const deadline = timeout === undefined ? Infinity : performance.now() + Math.max(0, timeout);
    if (state !== CONTENDED) state = Atomics.exchange(this.memory, 0, CONTENDED);
    while (state !== UNLOCKED) {
      const remaining = deadline - performance.now();
      if (remaining <= 0) return false;
      Atomics.wait(this.memory, 0, CONTENDED, remaining);
      state = Atomics.exchange(this.memory, 0, CONTENDED);
    }
    return true;
  }

  tryAcquire(): boolean {
    return Atomics.compareExchange(this.memory, 0, UNLOCKED, LOCKED) === UNLOCKED;
  }

  release(): void {
    const previous = Atomics.exchange(this.memory, 0, UNLOCKED);
    if (previous === UNLOCKED) throw new Error("cannot release un-acquired lock");
    if (previous === CONTENDED) Atomics.notify(this.memory, 0, 1);
  }
}
