// KNOWN RIGHT: a flag bit and a generation of sets in one word: bit 0 is the flag, the bits above
// count the set() calls that changed it. set() raises the flag and the generation together;
// clear() lowers the flag only. A waiter that saw the event clear at generation g returns true
// once the word moved on: the flag is up, or the generation says a set() came (and a clear() after it).

const FLAG = 1;
/** One more set(): the generation sits above the flag bit. */
const GENERATION = 2;

export class Event {
  static readonly WORDS = 1;
  readonly memory: Int32Array;

  constructor(memory?: Int32Array) {
    this.memory = memory ?? new Int32Array(new SharedArrayBuffer(Event.WORDS * Int32Array.BYTES_PER_ELEMENT));
  }

  set(): void {
    let word = Atomics.load(this.memory, 0);
    while ((word & FLAG) === 0) {
      const found = Atomics.compareExchange(this.memory, 0, word, word + GENERATION + FLAG);
      if (found === word) {
        Atomics.notify(this.memory, 0);
        return;
      }
      word = found;
    }
  }

  clear(): void {
    let word = Atomics.load(this.memory, 0);
    while ((word & FLAG) === FLAG) {
      const found = Atomics.compareExchange(this.memory, 0, word, word - FLAG);
      if (found === word) return;
      word = found;
    }
  }

  isSet(): boolean {
    return (Atomics.load(this.memory, 0) & FLAG) === FLAG;
  }

  wait(timeout?: number): boolean {
    const clear = Atomics.load(this.memory, 0);
    if ((clear & FLAG) === FLAG) return true;
    const deadline = timeout === undefined ? Infinity : performance.now() + timeout;
    for (;;) {
      // Only a set() changes a clear word: a new generation means one came, whatever the flag says now.
      if (Atomics.load(this.memory, 0) !== clear) return true;
      const remaining = deadline - performance.now();
      if (remaining <= 0) return false;
      Atomics.wait(this.memory, 0, clear, remaining);
    }
  }
}
