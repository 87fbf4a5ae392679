// Reference: a writer-preferring readers-writer lock on two words. Word 0 packs everything a caller
// decides on into one value, so that "may I come in?" and "I am in" are one compare-exchange: the
// readers inside (bits 0-14), the writers waiting (bits 15-29) and a writer inside (bit 30). A
// reader can then never slip in between a writer's announcement and the writer's own check. Word 1
// names the thread that holds the write lock, so that only it may release it.
//
// Everyone sleeps on word 0, expecting the value it last saw: any change in between makes the wait
// return at once, so a wakeup cannot be lost as long as every change that may let someone in is
// followed by Atomics.notify. Those changes are three: the last reader leaving while writers wait,
// a writer leaving, and a waiting writer giving up.

import { threadId } from "node:worker_threads";

const STATE = 0;
const OWNER = 1;

const READER = 1;
/** Mask of the readers-inside count. */
const READERS = (1 << 15) - 1;
const WAITING_WRITER = 1 << 15;
/** Mask of the waiting-writers count. */
const WAITING_WRITERS = READERS * WAITING_WRITER;
const WRITER = 1 << 30;

/** This thread's name in the owner word: threadId is 0 on the main thread, and 0 means "nobody". */
const me = threadId + 1;

export class RWLock {
  static readonly WORDS = 2;
  readonly memory: Int32Array;

  constructor(memory?: Int32Array) {
    this.memory = memory ?? new Int32Array(new SharedArrayBuffer(RWLock.WORDS * Int32Array.BYTES_PER_ELEMENT));
  }

  acquireRead(timeout?: number): boolean {
    let deadline: number | undefined;
    let state = Atomics.load(this.memory, STATE);
    for (;;) {
      // Writer preference: a waiting writer shuts the door on readers that come after it.
      if ((state & (WRITER | WAITING_WRITERS)) === 0) {
        const seen = Atomics.compareExchange(this.memory, STATE, state, state + READER);
        if (seen === state) return true;
        state = seen;
      } else {
        deadline ??= performance.now() + (timeout ?? Infinity);
        const remaining = deadline - performance.now();
        // Stryker disable next-line EqualityOperator: at exactly 0 the wait below times out at once and the next turn gives up
        if (remaining <= 0) return false;
        Atomics.wait(this.memory, STATE, state, remaining);
        state = Atomics.load(this.memory, STATE);
      }
    }
  }

  tryAcquireRead(): boolean {
    let state = Atomics.load(this.memory, STATE);
    while ((state & (WRITER | WAITING_WRITERS)) === 0) {
      const seen = Atomics.compareExchange(this.memory, STATE, state, state + READER);
      if (seen === state) return true;
      state = seen;
    }
    return false;
  }

  releaseRead(): void {
    // Check and count down in one step: a bare Atomics.sub on 0 would borrow from the writers' bits.
    let state = Atomics.load(this.memory, STATE);
    for (;;) {
      // Stryker disable next-line StringLiteral: the message is for people; a caller sees that it throws
      if ((state & READERS) === 0) throw new Error("releaseRead() with no reader inside");
      const seen = Atomics.compareExchange(this.memory, STATE, state, state - READER);
      if (seen === state) break;
      state = seen;
    }
    // The last reader out lets a waiting writer in. Readers sleep on the same word, so wake them
    // all: notify(1) could wake a reader, who goes back to sleep, and leave the writer asleep.
    // Stryker disable next-line ConditionalExpression,LogicalOperator: a notify more than needed wakes sleepers that find nothing changed and sleep again; no caller can tell
    if ((state & READERS) === READER && (state & WAITING_WRITERS) !== 0) Atomics.notify(this.memory, STATE);
  }

  acquireWrite(timeout?: number): boolean {
    let deadline: number | undefined;
    // Announce ourselves first: from here on no new reader gets in, so the readers inside drain.
    Atomics.add(this.memory, STATE, WAITING_WRITER);
    let state = Atomics.load(this.memory, STATE);
    for (;;) {
      if ((state & (WRITER | READERS)) === 0) {
        // From waiting to inside in one step.
        const seen = Atomics.compareExchange(this.memory, STATE, state, (state - WAITING_WRITER) | WRITER);
        if (seen === state) break;
        state = seen;
      } else {
        deadline ??= performance.now() + (timeout ?? Infinity);
        const remaining = deadline - performance.now();
        // Stryker disable next-line EqualityOperator: at exactly 0 the wait below times out at once and the next turn gives up
        if (remaining <= 0) {
          // Giving up must take the announcement back and wake the readers it held back: they
          // sleep waiting for exactly this change (if another writer still waits, they sleep again).
          Atomics.sub(this.memory, STATE, WAITING_WRITER);
          Atomics.notify(this.memory, STATE);
          return false;
        }
        Atomics.wait(this.memory, STATE, state, remaining);
        state = Atomics.load(this.memory, STATE);
      }
    }
    Atomics.store(this.memory, OWNER, me);
    return true;
  }

  tryAcquireWrite(): boolean {
    let state = Atomics.load(this.memory, STATE);
    while ((state & (WRITER | READERS)) === 0) {
      const seen = Atomics.compareExchange(this.memory, STATE, state, state | WRITER);
      if (seen === state) {
        Atomics.store(this.memory, OWNER, me);
        return true;
      }
      state = seen;
    }
    return false;
  }

  releaseWrite(): void {
    if (Atomics.load(this.memory, OWNER) !== me)
      // Stryker disable next-line StringLiteral: the message is for people; a caller sees that it throws
      throw new Error("releaseWrite() by a thread that does not hold the write lock");
    // Forget the owner while we still hold the lock: once it is free, the next writer writes here.
    Atomics.store(this.memory, OWNER, 0);
    Atomics.sub(this.memory, STATE, WRITER);
    // Waiting readers and writers alike may go on now (the writers first, if any wait).
    Atomics.notify(this.memory, STATE);
  }
}
