// KNOWN RIGHT: Python's own RLock design (threading._PyRLock) on a plain lock of its own: word 0 is
// a two-state block lock (0 free, 1 held) that the RLock holds for as long as anyone owns it, word 1
// names the owner, word 2 counts the owner's acquires. The owner's nested acquire never touches the
// block; the last release frees it, and, not knowing whether anyone sleeps, always notifies one.

import { threadId } from "node:worker_threads";

const BLOCK = 0;
const OWNER = 1;
const COUNT = 2;

const FREE = 0;
const HELD = 1;

/** This thread's name in the owner word: threadId is 0 on the main thread, and 0 means "nobody". */
const me = threadId + 1;

export class RLock {
  static readonly WORDS = 3;
  readonly memory: Int32Array;

  constructor(memory?: Int32Array) {
    this.memory = memory ?? new Int32Array(new SharedArrayBuffer(RLock.WORDS * Int32Array.BYTES_PER_ELEMENT));
  }

  acquire(timeout?: number): boolean {
    if (this.nested()) return true;
    const deadline = timeout === undefined ? Infinity : performance.now() + timeout;
    while (Atomics.compareExchange(this.memory, BLOCK, FREE, HELD) !== FREE) {
      const remaining = deadline - performance.now();
      if (remaining <= 0) return false;
      Atomics.wait(this.memory, BLOCK, HELD, remaining);
    }
    this.own();
    return true;
  }

  tryAcquire(): boolean {
    if (this.nested()) return true;
    if (Atomics.compareExchange(this.memory, BLOCK, FREE, HELD) !== FREE) return false;
    this.own();
    return true;
  }

  release(): void {
    if (Atomics.load(this.memory, OWNER) !== me) throw new Error("cannot release un-acquired lock");
    const count = Atomics.load(this.memory, COUNT) - 1;
    Atomics.store(this.memory, COUNT, count);
    if (count > 0) return;
    Atomics.store(this.memory, OWNER, 0);
    Atomics.store(this.memory, BLOCK, FREE);
    Atomics.notify(this.memory, BLOCK, 1);
  }

  private nested(): boolean {
    if (Atomics.load(this.memory, OWNER) !== me) return false;
    Atomics.store(this.memory, COUNT, Atomics.load(this.memory, COUNT) + 1);
    return true;
  }

  private own(): void {
    Atomics.store(this.memory, OWNER, me);
    Atomics.store(this.memory, COUNT, 1);
  }
}
