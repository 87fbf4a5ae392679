// KNOWN RIGHT: one condition for everything, always notifyAll(). Getters, putters and join() all
// sleep on the same condition ("the queue changed"), and every change wakes all of them; each
// looks again in its `while` and the ones with nothing to do go back to sleep. Slower than three
// conditions (a put wakes the other putters too), but no wakeup can reach the wrong thread and be
// lost, which is what breaks one condition with notify(). The ring is head + length.

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
const HEAD = ALL_TASKS_DONE + SequenceCondition.WORDS;
const LENGTH = HEAD + 1;
const UNFINISHED = LENGTH + 1;
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
  /** The one condition every waiter sleeps on (notFull and allTasksDone stay unused). */
  private readonly changed: SequenceCondition;

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
    this.changed = this.notEmpty;
  }

  put(item: number, timeout?: number): void {
    this.locked(() => {
      this.waitWhile(
        () => this.word(LENGTH) === this.capacity,
        timeout,
        () => new Full("put() timed out: the queue stayed full"),
      );
      Atomics.store(this.memory, ITEMS + ((this.word(HEAD) + this.word(LENGTH)) % this.capacity), item);
      Atomics.add(this.memory, LENGTH, 1);
      Atomics.add(this.memory, UNFINISHED, 1);
      this.changed.notifyAll();
    });
  }

  get(timeout?: number): number {
    return this.locked(() => {
      this.waitWhile(
        () => this.word(LENGTH) === 0,
        timeout,
        () => new Empty("get() timed out: the queue stayed empty"),
      );
      const head = this.word(HEAD);
      const item = Atomics.load(this.memory, ITEMS + head);
      Atomics.store(this.memory, HEAD, (head + 1) % this.capacity);
      Atomics.sub(this.memory, LENGTH, 1);
      this.changed.notifyAll();
      return item;
    });
  }

  putNowait(item: number): void {
    this.put(item, 0);
  }

  getNowait(): number {
    return this.get(0);
  }

  size(): number {
    return this.word(LENGTH);
  }

  isEmpty(): boolean {
    return this.size() === 0;
  }

  isFull(): boolean {
    return this.size() === this.capacity;
  }

  taskDone(): void {
    this.locked(() => {
      if (this.word(UNFINISHED) === 0) throw new Error("taskDone() called more times than there were items");
      if (Atomics.sub(this.memory, UNFINISHED, 1) === 1) this.changed.notifyAll();
    });
  }

  join(): void {
    this.locked(() => this.waitWhile(() => this.word(UNFINISHED) > 0));
  }

  /** Sleeps on the one condition while `blocked()` holds; past the timeout (ms), throws `expired()`. */
  private waitWhile(blocked: () => boolean, timeout?: number, expired?: () => Error): void {
    const deadline = timeout === undefined ? Infinity : performance.now() + timeout;
    while (blocked()) {
      const remaining = deadline - performance.now();
      if (remaining <= 0) throw expired!();
      this.changed.wait(remaining === Infinity ? undefined : remaining);
    }
  }

  private locked<T>(body: () => T): T {
    this.mutex.acquire();
    try {
      return body();
    } finally {
      this.mutex.release();
    }
  }

  private word(index: number): number {
    return Atomics.load(this.memory, index);
  }
}
