// Kata 08: build a bounded blocking queue (Python's queue.Queue) in shared memory, on a ready lock
// and three ready conditions. Read katas/08-queue/README.md first; the hints there get more
// specific one by one.

import { NotImplementedError } from "#threadkata/errors.ts";
import { SequenceCondition } from "#toolkit/sequence-condition.ts";
import { BargingLock } from "#toolkit/barging-lock.ts";

/** Thrown by put() when its timeout expires with the queue still full, and by putNowait() on a full queue. */
export class Full extends Error {
  override name = "Full";
}

/** Thrown by get() when its timeout expires with the queue still empty, and by getNowait() on an empty queue. */
export class Empty extends Error {
  override name = "Empty";
}

// Layout of the queue's shared memory: the lock, the three conditions, the ring's head and
// length, the tasks not yet marked done, then `capacity` items. Zero-filled memory is an empty
// queue with a free lock.
const LOCK = 0;
const NOT_EMPTY = LOCK + BargingLock.WORDS;
const NOT_FULL = NOT_EMPTY + SequenceCondition.WORDS;
const ALL_TASKS_DONE = NOT_FULL + SequenceCondition.WORDS;
/** Where the oldest item is, in the ring of items. */
const HEAD = ALL_TASKS_DONE + SequenceCondition.WORDS;
/** How many items are in the queue. */
const LENGTH = HEAD + 1;
/** Items put and not yet marked done with taskDone(). */
const UNFINISHED = LENGTH + 1;
/** The ring of items: item i of the queue is at ITEMS + (head + i) % capacity. */
const ITEMS = UNFINISHED + 1;

export class BoundedQueue {
  /** How many 32-bit words of shared memory a queue of `capacity` items needs. */
  static words(capacity: number): number {
    return ITEMS + capacity;
  }

  readonly capacity: number;
  /**
   * The queue's shared memory: hand it to another thread and build `new BoundedQueue(capacity,
   * memory)` there to use the same queue.
   */
  readonly memory: Int32Array;
  /** The lock every method holds while it looks at or changes the queue (Python: self.mutex). */
  readonly mutex: BargingLock;
  /** Getters wait on it while the queue is empty; notify it when an item arrives. */
  readonly notEmpty: SequenceCondition;
  /** Putters wait on it while the queue is full; notify it when a slot frees up. */
  readonly notFull: SequenceCondition;
  /** join() waits on it while some task is not done; notify it when the last one is. */
  readonly allTasksDone: SequenceCondition;

  /** An empty queue of `capacity` items; or, given the memory of an existing queue, that same queue (unchanged). */
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

  /**
   * Adds `item` at the back, blocking while the queue is full. With a timeout (ms), throws Full if
   * the queue stays full that long. Every put() counts one more unfinished task (see taskDone()).
   */
  put(item: number, timeout?: number): void {
    // TODO: hold the mutex; while the queue is full, wait on notFull; then add the item and notify
    // notEmpty. Release the mutex in a finally, whatever happens.
    throw new NotImplementedError("08-queue", "put()");
  }

  /** Removes and returns the item at the front, blocking while the queue is empty. With a timeout (ms), throws Empty if it stays empty that long. */
  get(timeout?: number): number {
    // TODO
    throw new NotImplementedError("08-queue", "get()");
  }

  /** put() that never blocks: throws Full at once if the queue is full (Python: put_nowait). */
  putNowait(item: number): void {
    // TODO
    throw new NotImplementedError("08-queue", "putNowait()");
  }

  /** get() that never blocks: throws Empty at once if the queue is empty (Python: get_nowait). */
  getNowait(): number {
    // TODO
    throw new NotImplementedError("08-queue", "getNowait()");
  }

  /** How many items are in the queue (approximate: it may change as soon as you look, as in Python). */
  size(): number {
    // TODO
    throw new NotImplementedError("08-queue", "size()");
  }

  /** Whether the queue is empty right now (Python: empty()). */
  isEmpty(): boolean {
    // TODO
    throw new NotImplementedError("08-queue", "isEmpty()");
  }

  /** Whether the queue is full right now (Python: full()). */
  isFull(): boolean {
    // TODO
    throw new NotImplementedError("08-queue", "isFull()");
  }

  /**
   * Marks one task done: a consumer calls it once for each item it got, when it has finished with
   * it. When every item ever put is done, wakes every thread in join(). Throws if called more
   * times than items were put (Python: ValueError).
   */
  taskDone(): void {
    // TODO
    throw new NotImplementedError("08-queue", "taskDone()");
  }

  /** Blocks until every item ever put has been marked done with taskDone(). */
  join(): void {
    // TODO
    throw new NotImplementedError("08-queue", "join()");
  }
}
