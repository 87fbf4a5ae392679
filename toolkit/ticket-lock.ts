// A ready lock for the katas that need one (a Condition is bound to a lock). It is a ticket lock,
// on purpose a different design from kata 02's, so that it gives nothing of that answer away: like
// the numbered tickets at a bakery counter, each thread takes the next number and waits until the
// "now serving" display shows it. Tickets make it fair (first come, first served); the price is
// that release() must wake every sleeper, since only the one holding the next ticket may go on.

import { threadId } from "node:worker_threads";
import { lockObserver } from "#threadkata/lock-observer.ts";

const NEXT_TICKET = 0;
const NOW_SERVING = 1;
const OWNER = 2;

/** This thread's name in the owner word: threadId is 0 on the main thread, and 0 means "nobody". */
const me = threadId + 1;

/** What a Condition needs of its lock (Python's Condition calls the same three on its lock). */
export interface OwnedLock {
  acquire(): void;
  release(): void;
  /** Whether the calling thread holds the lock (Python: `lock._is_owned()`). */
  isOwned(): boolean;
}

export class TicketLock implements OwnedLock {
  /** How many 32-bit words of shared memory one lock needs. */
  static readonly WORDS = 3;
  /** Share it as the other primitives: hand `memory` to another thread, `new TicketLock(memory)` there. */
  readonly memory: Int32Array;

  constructor(memory?: Int32Array) {
    this.memory = memory ?? new Int32Array(new SharedArrayBuffer(TicketLock.WORDS * Int32Array.BYTES_PER_ELEMENT));
  }

  // Each call tells the test harness, if one runs this thread, who holds and who waits for the
  // lock, so that a deadlock's failure names the cycle (harness/lock-observer.ts); elsewhere a no-op.

  acquire(): void {
    const ticket = Atomics.add(this.memory, NEXT_TICKET, 1);
    let serving = Atomics.load(this.memory, NOW_SERVING);
    if (serving !== ticket) {
      lockObserver()?.waiting(this.memory);
      for (; serving !== ticket; serving = Atomics.load(this.memory, NOW_SERVING)) {
        Atomics.wait(this.memory, NOW_SERVING, serving);
      }
    }
    Atomics.store(this.memory, OWNER, me);
    lockObserver()?.acquired(this.memory);
  }

  /**
   * Takes the lock only if nobody holds it and nobody waits for it (Python: acquire(blocking=False));
   * never sleeps. A free ticket lock has every ticket served: take the next ticket only if it is the
   * one being served now. If the lock was released meanwhile, NEXT_TICKET has moved on and the
   * compare-exchange fails, so a stale `serving` can never be taken.
   */
  tryAcquire(): boolean {
    const serving = Atomics.load(this.memory, NOW_SERVING);
    if (Atomics.compareExchange(this.memory, NEXT_TICKET, serving, serving + 1) !== serving) {
      lockObserver()?.waiting(this.memory); // wanted and not had: a thread retrying this waits for it too
      return false;
    }
    Atomics.store(this.memory, OWNER, me);
    lockObserver()?.acquired(this.memory);
    return true;
  }

  release(): void {
    if (Atomics.load(this.memory, OWNER) !== me) throw new Error("release() of a TicketLock this thread does not hold");
    lockObserver()?.released(this.memory);
    Atomics.store(this.memory, OWNER, 0);
    Atomics.add(this.memory, NOW_SERVING, 1);
    Atomics.notify(this.memory, NOW_SERVING);
  }

  isOwned(): boolean {
    return Atomics.load(this.memory, OWNER) === me;
  }

  locked(): boolean {
    return Atomics.load(this.memory, NEXT_TICKET) !== Atomics.load(this.memory, NOW_SERVING);
  }
}
