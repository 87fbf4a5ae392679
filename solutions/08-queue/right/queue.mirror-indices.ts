// KNOWN RIGHT: a ring with a head index and a tail index instead of head and length. Both run
// over twice the capacity ("mirrored" indices), so head === tail means empty and a distance of
// `capacity` means full, with no slot left unused to tell the two apart; the slot is index %
// capacity. One lock, three conditions, every wait in a `while`. size() reads both indices, so it
// takes the lock to read a pair that belongs together.

import { SequenceCondition } from "#toolkit/sequence-condition.ts";
import { BargingLock } from "#toolkit/barging-lock.ts";

export class Full extends Error {
  override name = "Full";
}

export class Empty extends Error {
  override name = "Empty";
}

const LOCK = 0;
const NOT_EMPTY = LOCK + BargingLock.WORDS;
const NOT_FULL = NOT_EMPTY + SequenceCondition.WORDS;
const ALL_TASKS_DONE = NOT_FULL + SequenceCondition.WORDS;
/** Where the next get() reads, in [0, 2 * capacity). */
const HEAD = ALL_TASKS_DONE + SequenceCondition.WORDS;
/** Where the next put() writes, in [0, 2 * capacity). */
const TAIL = HEAD + 1;
const UNFINISHED = TAIL + 1;
const ITEMS = UNFINISHED + 1;

export class BoundedQueue {
  static words(capacity: number): number {
    return ITEMS + capacity;
  }

  readonly capacity: number;
  readonly memory: Int32Array;
  readonly mutex: BargingLock;
  readonly notEmpty: SequenceCondition;
  readonly notFull: SequenceCondition;
  readonly allTasksDone: SequenceCondition;

  constructor(capacity: number, memory?: Int32Array) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError(`a BoundedQueue holds at least 1 item, not ${capacity}`);
    this.capacity = capacity;
    this.memory =
      memory ?? new Int32Array(new SharedArrayBuffer(BoundedQueue.words(capacity) * Int32Array.BYTES_PER_ELEMENT));
    this.mutex = new BargingLock(this.memory.subarray(LOCK, LOCK + BargingLock.WORDS));
    this.notEmpty = new SequenceCondition(
      this.mutex,
      this.memory.subarray(NOT_EMPTY, NOT_EMPTY + SequenceCondition.WORDS),
    );
    this.notFull = new SequenceCondition(
      this.mutex,
      this.memory.subarray(NOT_FULL, NOT_FULL + SequenceCondition.WORDS),
    );
    this.allTasksDone = new SequenceCondition(
      this.mutex,
      this.memory.subarray(ALL_TASKS_DONE, ALL_TASKS_DONE + SequenceCondition.WORDS),
    );
  }

  put(item: number, timeout?: number): void {
    const deadline = timeout === undefined ? Infinity : performance.now() + timeout;
    this.mutex.acquire();
    try {
      while (this.count() === this.capacity) {
        const remaining = deadline - performance.now();
        if (remaining <= 0) throw new Full("put() timed out: the queue stayed full");
        this.notFull.wait(remaining === Infinity ? undefined : remaining);
      }
      const tail = Atomics.load(this.memory, TAIL);
      Atomics.store(this.memory, ITEMS + (tail % this.capacity), item);
      Atomics.store(this.memory, TAIL, this.next(tail));
      Atomics.add(this.memory, UNFINISHED, 1);
      this.notEmpty.notify();
    } finally {
      this.mutex.release();
    }
  }

  get(timeout?: number): number {
    const deadline = timeout === undefined ? Infinity : performance.now() + timeout;
    this.mutex.acquire();
    try {
      while (this.count() === 0) {
        const remaining = deadline - performance.now();
        if (remaining <= 0) throw new Empty("get() timed out: the queue stayed empty");
        this.notEmpty.wait(remaining === Infinity ? undefined : remaining);
      }
      const head = Atomics.load(this.memory, HEAD);
      const item = Atomics.load(this.memory, ITEMS + (head % this.capacity));
      Atomics.store(this.memory, HEAD, this.next(head));
      this.notFull.notify();
      return item;
    } finally {
      this.mutex.release();
    }
  }

  putNowait(item: number): void {
    this.put(item, 0);
  }

  getNowait(): number {
    return this.get(0);
  }

  size(): number {
    this.mutex.acquire();
    try {
      return this.count();
    } finally {
      this.mutex.release();
    }
  }

  isEmpty(): boolean {
    return this.size() === 0;
  }

  isFull(): boolean {
    return this.size() === this.capacity;
  }

  taskDone(): void {
    this.mutex.acquire();
    try {
      const unfinished = Atomics.load(this.memory, UNFINISHED);
      if (unfinished === 0) throw new Error("taskDone() called more times than there were items");
      Atomics.store(this.memory, UNFINISHED, unfinished - 1);
      if (unfinished === 1) this.allTasksDone.notifyAll();
    } finally {
      this.mutex.release();
    }
  }

  join(): void {
    this.mutex.acquire();
    try {
      while (Atomics.load(this.memory, UNFINISHED) !== 0) this.allTasksDone.wait();
    } finally {
      this.mutex.release();
    }
  }

  /** Items in the ring; call with the mutex held. */
  private count(): number {
    const span = 2 * this.capacity;
    return (Atomics.load(this.memory, TAIL) - Atomics.load(this.memory, HEAD) + span) % span;
  }

  private next(index: number): number {
    return (index + 1) % (2 * this.capacity);
  }
}
