// KNOWN WRONG: set() wakes only one sleeper: Atomics.notify(memory, 0, 1).
// That is right for a lock, wrong for an event: with several waiters, all but one sleep on.

export class Event {
  static readonly WORDS = 1;
  readonly memory: Int32Array;

  constructor(memory?: Int32Array) {
    this.memory = memory ?? new Int32Array(new SharedArrayBuffer(Event.WORDS * Int32Array.BYTES_PER_ELEMENT));
  }

  set(): void {
    for (let seen = Atomics.load(this.memory, 0); (seen & 1) === 0; ) {
      const found = Atomics.compareExchange(this.memory, 0, seen, seen + 1);
      if (found === seen) {
        // The store that sets the flag comes first, then the wake-up.
        Atomics.notify(this.memory, 0, 1); // wakes one sleeper only
        return;
      }
      seen = found;
    }
  }

  clear(): void {
    for (let seen = Atomics.load(this.memory, 0); (seen & 1) === 1; ) {
      const found = Atomics.compareExchange(this.memory, 0, seen, seen + 1);
      if (found === seen) return;
      seen = found;
    }
  }

  isSet(): boolean {
    return (Atomics.load(this.memory, 0) & 1) === 1;
  }

  wait(timeout?: number): boolean {
    const start = Atomics.load(this.memory, 0);
    if ((start & 1) === 1) return true;
    const deadline = timeout === undefined ? Infinity : performance.now() + Math.max(0, timeout);
    // Sleeps only while the word still holds `start`: a set() in between makes this return at once.
    while (Atomics.load(this.memory, 0) === start) {
      const remaining = deadline - performance.now();
      if (remaining <= 0) return false;
      Atomics.wait(this.memory, 0, start, remaining);
    }
    return true;
  }
}
