// Reference: Python's queue.Queue, in shared memory. A ring buffer under one lock, and three
// conditions on that lock: "not empty" (getters wait on it), "not full" (putters wait on it) and
// "all tasks done" (join() waits on it). Every wait sits in a `while` that re-checks the state:
// a woken thread may find that another got there first, and the ready condition may even wake
// a thread nobody notified.

import { SequenceCondition } from "#toolkit/sequence-condition.ts";
import { BargingLock } from "#toolkit/barging-lock.ts";

export class Full extends Error {
  override name = "Full";
}

export class Empty extends Error {
  override name = "Empty";
}

// Layout of the queue's shared memory: the lock, the three conditions, the ring's head and
// length, the tasks not yet marked done, then `capacity` items.
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

  constructor(capacity: number, memory?: Int32Array) {
    if (!Number.isInteger(capacity) || capacity < 1)
      // Stryker disable next-line StringLiteral: the message is for people; the promise is that it throws a RangeError
      throw new RangeError(`a BoundedQueue holds at least 1 item, not ${capacity}`);
    this.capacity = capacity;
    this.memory =
      memory ?? new Int32Array(new SharedArrayBuffer(BoundedQueue.words(capacity) * Int32Array.BYTES_PER_ELEMENT));
    // Stryker disable next-line ArithmeticOperator: LOCK is 0, so subarray(0, -WORDS) still begins with the lock's words, the only ones the lock reads
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
    this.mutex.acquire();
    try {
      const deadline = deadlineOf(timeout);
      // The state first, the clock second: a putter whose time ran out as space appeared takes it.
      while (this.length() === this.capacity) {
        const remaining = deadline - performance.now();
        // Stryker disable next-line EqualityOperator,StringLiteral: at exactly 0, wait(0) returns at once and the next pass throws; the message is for people
        if (remaining <= 0) throw new Full("put() timed out: the queue stayed full");
        this.notFull.wait(remaining); // Infinity without a timeout: wait(Infinity) is wait()
      }
      const tail = (this.at(HEAD) + this.length()) % this.capacity;
      Atomics.store(this.memory, ITEMS + tail, item);
      Atomics.add(this.memory, LENGTH, 1);
      Atomics.add(this.memory, UNFINISHED, 1);
      this.notEmpty.notify();
    } finally {
      this.mutex.release();
    }
  }

  get(timeout?: number): number {
    this.mutex.acquire();
    try {
      const deadline = deadlineOf(timeout);
      while (this.length() === 0) {
        const remaining = deadline - performance.now();
        // Stryker disable next-line EqualityOperator,StringLiteral: at exactly 0, wait(0) returns at once and the next pass throws; the message is for people
        if (remaining <= 0) throw new Empty("get() timed out: the queue stayed empty");
        this.notEmpty.wait(remaining);
      }
      const head = this.at(HEAD);
      const item = Atomics.load(this.memory, ITEMS + head);
      Atomics.store(this.memory, HEAD, (head + 1) % this.capacity);
      Atomics.sub(this.memory, LENGTH, 1);
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
    return this.length();
  }

  isEmpty(): boolean {
    return this.length() === 0;
  }

  isFull(): boolean {
    return this.length() === this.capacity;
  }

  taskDone(): void {
    this.mutex.acquire();
    try {
      const unfinished = this.at(UNFINISHED) - 1;
      // Stryker disable next-line StringLiteral: the message is for people; the promise is that it throws
      if (unfinished < 0) throw new Error("taskDone() called more times than there were items");
      Atomics.store(this.memory, UNFINISHED, unfinished);
      // Stryker disable next-line ConditionalExpression: waking the joiners early costs only a look: join() waits in a loop until none is left
      if (unfinished === 0) this.allTasksDone.notifyAll();
    } finally {
      this.mutex.release();
    }
  }

  join(): void {
    this.mutex.acquire();
    try {
      while (this.at(UNFINISHED) > 0) this.allTasksDone.wait();
    } finally {
      this.mutex.release();
    }
  }

  private length(): number {
    return this.at(LENGTH);
  }

  private at(word: number): number {
    return Atomics.load(this.memory, word);
  }
}

function deadlineOf(timeout: number | undefined): number {
  return performance.now() + (timeout ?? Infinity);
}
