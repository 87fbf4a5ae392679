// KNOWN WRONG: the word is only a flag (0 clear, 1 set), and wait() sleeps until it sees 1.
// A waiter asleep during set() that wakes after a quick clear() sees 0 and sleeps on, for ever;
// Python's Event.wait returns True in that case (the event was set while it waited).

export class Event {
  static readonly WORDS = 1;
  readonly memory: Int32Array;

  constructor(memory?: Int32Array) {
    this.memory = memory ?? new Int32Array(new SharedArrayBuffer(Event.WORDS * Int32Array.BYTES_PER_ELEMENT));
  }

  set(): void {
    Atomics.store(this.memory, 0, 1);
    Atomics.notify(this.memory, 0);
  }

  clear(): void {
    Atomics.store(this.memory, 0, 0);
  }

  isSet(): boolean {
    return Atomics.load(this.memory, 0) === 1;
  }

  wait(timeout?: number): boolean {
    const deadline = timeout === undefined ? Infinity : performance.now() + Math.max(0, timeout);
    while (Atomics.load(this.memory, 0) === 0) {
      const remaining = deadline - performance.now();
      if (remaining <= 0) return false;
      Atomics.wait(this.memory, 0, 0, remaining);
    }
    return true;
  }
}
