// KNOWN WRONG: set() changes the word but never calls Atomics.notify.
// A thread asleep in wait() is never woken: a lost wakeup. The suite must catch the stuck waiters.

export class Event {
  static readonly WORDS = 1;
  readonly memory: Int32Array;

  constructor(memory?: Int32Array) {
    this.memory = memory ?? new Int32Array(new SharedArrayBuffer(Event.WORDS * Int32Array.BYTES_PER_ELEMENT));
  }

  set(): void {
    for (let seen = Atomics.load(this.memory, 0); (seen & 1) === 0; ) {
      const found = Atomics.compareExchange(this.memory, 0, seen, seen + 1);
      if (found === seen) return; // and nobody is woken
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
