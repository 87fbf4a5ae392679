// Reference: Ulrich Drepper's mutex from "Futexes Are Tricky" (mutex #3), one word with three states,
// with a short spin before sleeping. Only a release that may have sleepers behind it pays for
// Atomics.notify; an uncontended acquire/release is one compare-exchange and one exchange.

const UNLOCKED = 0;
const LOCKED = 1;
/** Locked, and some thread may be asleep waiting for it. */
const CONTENDED = 2;
/** How many times acquire() looks at a held lock before it goes to sleep. */
const spins = 100;

export class Lock {
  static readonly WORDS = 1;
  readonly memory: Int32Array;

  constructor(memory?: Int32Array) {
    this.memory = memory ?? new Int32Array(new SharedArrayBuffer(Lock.WORDS * Int32Array.BYTES_PER_ELEMENT));
  }

  acquire(timeout?: number): boolean {
    let state = Atomics.compareExchange(this.memory, 0, UNLOCKED, LOCKED);
    if (state === UNLOCKED) return true;
    // Spin a little before sleeping (as glibc's adaptive mutex and V8's own Atomics.Mutex do): a
    // critical section is often shorter than a sleep and a wake-up, and its holder may be running
    // on another core right now. Only reads while it waits, so the holder's cache line stays put.
    // The spin is speed only: whether it runs, for how long, and whether it goes on while others
    // sleep (CONTENDED), no caller can tell. (A spin that never ends can be told, and the sleep tests
    // catch it, but Stryker disables a mutator for the whole line.)
    // Stryker disable next-line ConditionalExpression,EqualityOperator,BlockStatement: the spin's length is speed only (see above)
    for (let spin = 0; spin < spins && state === LOCKED; spin++) {
      state = Atomics.load(this.memory, 0);
      // Stryker disable next-line ConditionalExpression,EqualityOperator,BlockStatement: taking a lock seen free while spinning is a fast path; without it the exchange below takes it
      if (state === UNLOCKED) {
        state = Atomics.compareExchange(this.memory, 0, UNLOCKED, LOCKED);
        if (state === UNLOCKED) return true;
      }
    }
    // Stryker disable next-line ConditionalExpression: "false" leaves the deadline NaN when no timeout is given, and Atomics.wait takes a NaN timeout as none: it still waits for ever ("true", which ignores a timeout, is caught by the timeout tests; Stryker disables a mutator for the whole line)
    const deadline = timeout === undefined ? Infinity : performance.now() + Math.max(0, timeout);
    // From here on we take the lock as CONTENDED: we cannot know whether others sleep behind us,
    // so our release must notify. Exchanging (not storing) tells us if it was free meanwhile.
    // Stryker disable next-line ConditionalExpression,EqualityOperator: skipping or repeating this exchange costs one more trip round the loop below (Atomics.wait returns at once unless the word says CONTENDED), no more
    if (state !== CONTENDED) state = Atomics.exchange(this.memory, 0, CONTENDED);
    while (state !== UNLOCKED) {
      const remaining = deadline - performance.now();
      // Stryker disable next-line EqualityOperator: "< 0" differs only when exactly no time remains, and then Atomics.wait(…, 0) returns at once and the next look gives up (">" is caught by the timeout tests)
      if (remaining <= 0) return false;
      // Sleeps only while the word still says CONTENDED: a release in between makes this return at once.
      Atomics.wait(this.memory, 0, CONTENDED, remaining);
      state = Atomics.exchange(this.memory, 0, CONTENDED);
    }
    return true;
  }

  tryAcquire(): boolean {
    return Atomics.compareExchange(this.memory, 0, UNLOCKED, LOCKED) === UNLOCKED;
  }

  release(): void {
    const previous = Atomics.exchange(this.memory, 0, UNLOCKED);
    if (previous === UNLOCKED) throw new Error("release unlocked lock");
    // Only a CONTENDED lock may have sleepers; wake one, after the store that lets it in.
    // Stryker disable next-line ConditionalExpression: notifying after every release only wakes nobody more often (never notifying is caught by the wake-up tests; Stryker disables a mutator for the whole line)
    if (previous === CONTENDED) Atomics.notify(this.memory, 0, 1);
  }

  locked(): boolean {
    return Atomics.load(this.memory, 0) !== UNLOCKED;
  }
}
