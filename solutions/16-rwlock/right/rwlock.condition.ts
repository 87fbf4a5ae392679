// KNOWN RIGHT: the Python recipe, on the toolkit's TicketLock and SequenceCondition: three counts
// under one lock, one condition that every change notifies. Writer preference as in the reference.

import { threadId } from "node:worker_threads";
import { SequenceCondition } from "#toolkit/sequence-condition.ts";
import { TicketLock } from "#toolkit/ticket-lock.ts";

const READERS = 0;
const WRITER = 1;
const WRITERS_WAITING = 2;
const me = threadId + 1;

export class RWLock {
  static readonly WORDS = TicketLock.WORDS + SequenceCondition.WORDS + 3;
  readonly memory: Int32Array;
  private readonly lock: TicketLock;
  private readonly changed: SequenceCondition;
  private readonly counts: Int32Array;

  constructor(memory?: Int32Array) {
    this.memory = memory ?? new Int32Array(new SharedArrayBuffer(RWLock.WORDS * Int32Array.BYTES_PER_ELEMENT));
    this.lock = new TicketLock(this.memory.subarray(0, TicketLock.WORDS));
    this.changed = new SequenceCondition(
      this.lock,
      this.memory.subarray(TicketLock.WORDS, TicketLock.WORDS + SequenceCondition.WORDS),
    );
    this.counts = this.memory.subarray(TicketLock.WORDS + SequenceCondition.WORDS);
  }

  acquireRead(timeout?: number): boolean {
    return this.locked(() => {
      if (!this.waitFor(() => this.get(WRITER) === 0 && this.get(WRITERS_WAITING) === 0, timeout)) return false;
      this.add(READERS, 1);
      return true;
    });
  }

  tryAcquireRead(): boolean {
    return this.acquireRead(0);
  }

  releaseRead(): void {
    this.locked(() => {
      if (this.get(READERS) === 0) throw new Error("releaseRead() with no reader inside");
      if (this.add(READERS, -1) === 0) this.changed.notifyAll();
    });
  }

  acquireWrite(timeout?: number): boolean {
    return this.locked(() => {
      this.add(WRITERS_WAITING, 1);
      const got = this.waitFor(() => this.get(WRITER) === 0 && this.get(READERS) === 0, timeout);
      this.add(WRITERS_WAITING, -1);
      if (!got) {
        this.changed.notifyAll();
        return false;
      }
      Atomics.store(this.counts, WRITER, me);
      return true;
    });
  }

  tryAcquireWrite(): boolean {
    return this.locked(() => {
      if (this.get(WRITER) !== 0 || this.get(READERS) !== 0) return false;
      Atomics.store(this.counts, WRITER, me);
      return true;
    });
  }

  releaseWrite(): void {
    this.locked(() => {
      if (this.get(WRITER) !== me) throw new Error("releaseWrite() by a thread that does not hold the write lock");
      Atomics.store(this.counts, WRITER, 0);
      this.changed.notifyAll();
    });
  }

  private locked<R>(body: () => R): R {
    this.lock.acquire();
    try {
      return body();
    } finally {
      this.lock.release();
    }
  }

  /** Condition.wait_for: the predicate after the last wait; false once the timeout (ms) is up. */
  private waitFor(predicate: () => boolean, timeout?: number): boolean {
    const deadline = timeout === undefined ? Infinity : performance.now() + timeout;
    while (!predicate()) {
      const remaining = deadline - performance.now();
      if (remaining <= 0) return false;
      this.changed.wait(remaining);
    }
    return true;
  }

  private get(index: number): number {
    return Atomics.load(this.counts, index);
  }

  private add(index: number, delta: number): number {
    return Atomics.add(this.counts, index, delta) + delta;
  }
}
