// Reference: an event on one word that counts its changes (a futex "sequence" word).
// Even: clear; odd: set. set() and clear() each add 1, and only when the state really changes.
// A waiter remembers the (even) value it saw and sleeps while the word still holds it: any change
// from there is a set(), so it returns true even if a quick clear() came before it woke up
// (Python's Event.wait returns True in that case too).

export class Event {
  static readonly WORDS = 1;
  readonly memory: Int32Array;

  constructor(memory?: Int32Array) {
    this.memory = memory ?? new Int32Array(new SharedArrayBuffer(Event.WORDS * Int32Array.BYTES_PER_ELEMENT));
  }

  set(): void {
    for (let seen = Atomics.load(this.memory, 0); (seen & 1) === 0;) {
      const found = Atomics.compareExchange(this.memory, 0, seen, seen + 1);
      // Stryker disable next-line ConditionalExpression,EqualityOperator: returning after a failed compare-exchange is a set() ordered just after the one that came first (even if a clear() followed it); with "!==" a set() that succeeded looks once more, fails, and so notifies and returns all the same (never returning, "false", is caught by the wake-up tests; Stryker disables a mutator for the whole line)
      if (found === seen) {
        // The store that sets the flag comes first, then wake every sleeper.
        Atomics.notify(this.memory, 0);
        return;
      }
      seen = found;
    }
  }

  clear(): void {
    for (let seen = Atomics.load(this.memory, 0); (seen & 1) === 1;) {
      const found = Atomics.compareExchange(this.memory, 0, seen, seen + 1);
      // Stryker disable next-line ConditionalExpression,EqualityOperator: returning or looking once more ends the same way: a failed compare-exchange means another clear() came first (or a clear() and a set(), and ours may be ordered between them), and after our own the loop's next look finds the event clear
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
    // Stryker disable next-line ConditionalExpression: "false" leaves the deadline NaN when no timeout is given, and Atomics.wait takes a NaN timeout as none: it still waits for ever ("true", which ignores a timeout, is caught by the timeout tests; Stryker disables a mutator for the whole line)
    const deadline = timeout === undefined ? Infinity : performance.now() + Math.max(0, timeout);
    // Sleeps only while the word still holds `start`: a set() in between makes this return at once.
    while (Atomics.load(this.memory, 0) === start) {
      const remaining = deadline - performance.now();
      // Stryker disable next-line EqualityOperator: "< 0" differs only when exactly no time remains, and then Atomics.wait(…, 0) returns at once and the next look gives up (">" is caught by the timeout tests)
      if (remaining <= 0) return false;
      Atomics.wait(this.memory, 0, start, remaining);
    }
    return true;
  }
}
