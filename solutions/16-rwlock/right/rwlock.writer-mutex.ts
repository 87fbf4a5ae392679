// KNOWN RIGHT: writers queue on a mutex of their own (Drepper's three-state word); the writer at
// its head shuts the readers' door with a bit, waits for the readers inside to drain, and opens the
// door again when it leaves, before it hands the mutex on: the readers held back get their turn
// between two writers.

import { threadId } from "node:worker_threads";

const MUTEX = 0;
const STATE = 1;
const OWNER = 2;

/** In STATE: the door is shut (a writer is inside, or waiting for the readers to drain). */
const DOOR_SHUT = 1 << 30;
const READERS = DOOR_SHUT - 1;

const me = threadId + 1;

export class RWLock {
  static readonly WORDS = 3;
  readonly memory: Int32Array;

  constructor(memory?: Int32Array) {
    this.memory = memory ?? new Int32Array(new SharedArrayBuffer(RWLock.WORDS * Int32Array.BYTES_PER_ELEMENT));
  }

  acquireRead(timeout?: number): boolean {
    const deadline = timeout === undefined ? Infinity : performance.now() + timeout;
    for (;;) {
      const state = Atomics.load(this.memory, STATE);
      if ((state & DOOR_SHUT) === 0) {
        if (Atomics.compareExchange(this.memory, STATE, state, state + 1) === state) return true;
        continue;
      }
      const remaining = deadline - performance.now();
      if (remaining <= 0) return false;
      Atomics.wait(this.memory, STATE, state, remaining);
    }
  }

  tryAcquireRead(): boolean {
    return this.acquireRead(0);
  }

  releaseRead(): void {
    for (;;) {
      const state = Atomics.load(this.memory, STATE);
      if ((state & READERS) === 0) throw new Error("releaseRead() with no reader inside");
      if (Atomics.compareExchange(this.memory, STATE, state, state - 1) !== state) continue;
      if (state === (DOOR_SHUT | 1)) Atomics.notify(this.memory, STATE);
      return;
    }
  }

  acquireWrite(timeout?: number): boolean {
    const deadline = timeout === undefined ? Infinity : performance.now() + timeout;
    if (!this.lockMutex(deadline)) return false;
    let state = Atomics.or(this.memory, STATE, DOOR_SHUT) | DOOR_SHUT;
    while ((state & READERS) !== 0) {
      const remaining = deadline - performance.now();
      if (remaining <= 0) {
        this.openDoor();
        this.unlockMutex();
        return false;
      }
      Atomics.wait(this.memory, STATE, state, remaining);
      state = Atomics.load(this.memory, STATE);
    }
    Atomics.store(this.memory, OWNER, me);
    return true;
  }

  tryAcquireWrite(): boolean {
    if (Atomics.compareExchange(this.memory, MUTEX, 0, 1) !== 0) return false;
    if (Atomics.compareExchange(this.memory, STATE, 0, DOOR_SHUT) !== 0) {
      this.unlockMutex();
      return false;
    }
    Atomics.store(this.memory, OWNER, me);
    return true;
  }

  releaseWrite(): void {
    if (Atomics.load(this.memory, OWNER) !== me)
      throw new Error("releaseWrite() by a thread that does not hold the write lock");
    Atomics.store(this.memory, OWNER, 0);
    this.openDoor();
    this.unlockMutex();
  }

  private openDoor(): void {
    Atomics.and(this.memory, STATE, READERS);
    Atomics.notify(this.memory, STATE);
  }

  private lockMutex(deadline: number): boolean {
    let state = Atomics.compareExchange(this.memory, MUTEX, 0, 1);
    if (state === 0) return true;
    if (state !== 2) state = Atomics.exchange(this.memory, MUTEX, 2);
    while (state !== 0) {
      const remaining = deadline - performance.now();
      if (remaining <= 0) return false;
      Atomics.wait(this.memory, MUTEX, 2, remaining);
      state = Atomics.exchange(this.memory, MUTEX, 2);
    }
    return true;
  }

  private unlockMutex(): void {
    if (Atomics.exchange(this.memory, MUTEX, 0) === 2) Atomics.notify(this.memory, MUTEX, 1);
  }
}
