// KNOWN RIGHT: a ticket lock in one word: the high 16 bits hand out tickets, the low 16 bits show
// the ticket being served; the lock is free when the two are equal. acquire() takes the next ticket
// and sleeps until it is served: first come, first served. A ticket cannot be given back, so a
// timed acquire() takes none: it takes the lock only when it is free (as tryAcquire() does), and
// sleeps on the word in between. release() serves the next ticket and must wake every sleeper,
// since only the holder of that ticket may go on.

const TICKET = 0x10000;

const next = (word: number): number => word >>> 16;
const serving = (word: number): number => word & 0xffff;

export class Lock {
  static readonly WORDS = 1;
  readonly memory: Int32Array;

  constructor(memory?: Int32Array) {
    this.memory = memory ?? new Int32Array(new SharedArrayBuffer(Lock.WORDS * Int32Array.BYTES_PER_ELEMENT));
  }

  acquire(timeout?: number): boolean {
    if (timeout !== undefined) return this.acquireUntil(performance.now() + timeout);
    // Atomics.add wraps the word at 32 bits, so the ticket half counts modulo 2^16 on its own.
    const ticket = next(Atomics.add(this.memory, 0, TICKET));
    for (let word = Atomics.load(this.memory, 0); serving(word) !== ticket; word = Atomics.load(this.memory, 0)) {
      // Any change to the word (a release, a new ticket) wakes us to look again.
      Atomics.wait(this.memory, 0, word);
    }
    return true;
  }

  private acquireUntil(deadline: number): boolean {
    for (;;) {
      const word = Atomics.load(this.memory, 0);
      if (next(word) === serving(word)) {
        if (Atomics.compareExchange(this.memory, 0, word, word + TICKET) === word) return true;
        continue;
      }
      const remaining = deadline - performance.now();
      if (remaining <= 0) return false;
      Atomics.wait(this.memory, 0, word, remaining);
    }
  }

  tryAcquire(): boolean {
    for (let word = Atomics.load(this.memory, 0); next(word) === serving(word); word = Atomics.load(this.memory, 0)) {
      if (Atomics.compareExchange(this.memory, 0, word, word + TICKET) === word) return true;
    }
    return false;
  }

  release(): void {
    for (;;) {
      const word = Atomics.load(this.memory, 0);
      if (next(word) === serving(word)) throw new Error("release unlocked lock");
      // The serving half must not carry into the ticket half: compose the new word, do not add.
      const served = (word & ~0xffff) | ((word + 1) & 0xffff);
      if (Atomics.compareExchange(this.memory, 0, word, served) === word) break;
    }
    Atomics.notify(this.memory, 0);
  }

  locked(): boolean {
    const word = Atomics.load(this.memory, 0);
    return next(word) !== serving(word);
  }
}
