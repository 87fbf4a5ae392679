// The Condition kata's scenarios. They run inside worker threads (see harness/scenario.ts).
//
// Most of them keep a ledger, under the condition's lock, of what the test itself knows: how many
// threads are inside wait() and how many of those have been notified. A wait() that returns true
// must use up one of those notifications; if none is left, it woke without a notify (or one notify
// woke more threads than it was allowed to), and the test says so at once.

import { Condition } from "#kata/06-condition/condition.ts";
import { acceptable, rule, scenario, throws, type ActorContext, type SharedMemory } from "#threadkata/scenario.ts";
import { TicketLock, type OwnedLock } from "#toolkit/ticket-lock.ts";
import { threadId } from "node:worker_threads";

/**
 * The ready TicketLock with a gate the test can close behind one waiter: the thread that armed it
 * stops right after its next release(), the one inside wait(), and goes on only when the test opens
 * the gate. That holds a waiter in the gap between letting the lock go and falling asleep, as long
 * as the test likes: the moment where lost wakeups and extra wakeups happen, every time.
 */
class GatedLock implements OwnedLock {
  private static readonly armedBy = 0;
  private static readonly gate = 1;
  static readonly WORDS = TicketLock.WORDS + 2;
  private readonly me = threadId + 1;
  private readonly inner: TicketLock;

  constructor(readonly memory: Int32Array) {
    this.inner = new TicketLock(memory.subarray(0, TicketLock.WORDS));
  }

  private get words(): Int32Array {
    return this.memory.subarray(TicketLock.WORDS);
  }

  acquire(): void {
    this.inner.acquire();
  }

  release(): void {
    this.inner.release();
    if (Atomics.load(this.words, GatedLock.armedBy) !== this.me) return;
    Atomics.store(this.words, GatedLock.armedBy, 0);
    Atomics.store(this.words, GatedLock.gate, Gate.holding);
    while (Atomics.load(this.words, GatedLock.gate) !== Gate.open) {
      // held in the gap on purpose, spinning, so nothing but the test can move this thread on
    }
  }

  isOwned(): boolean {
    return this.inner.isOwned();
  }

  locked(): boolean {
    return this.inner.locked();
  }

  /** The calling thread's next release() will stop at the gate. */
  arm(): void {
    Atomics.store(this.words, GatedLock.gate, Gate.armed);
    Atomics.store(this.words, GatedLock.armedBy, this.me);
  }

  holding(): boolean {
    return Atomics.load(this.words, GatedLock.gate) === Gate.holding;
  }

  open(): void {
    Atomics.store(this.words, GatedLock.gate, Gate.open);
  }
}

const Gate = { armed: 1, holding: 2, open: 3 } as const;

interface Shared {
  lock: GatedLock;
  condition: Condition;
  /** The test's own bookkeeping, read and written only while holding the lock; indexed by Ledger. */
  ledger: Int32Array;
}

const Ledger = {
  /** Threads inside wait() (counted in before the call, out after it returns). */
  waiting: 0,
  /** Of those, how many a notify has already picked and not yet returned. */
  notified: 1,
  /** wait() calls that returned true. */
  woken: 2,
  /** Set when the notifiers are done: waiters stop waiting. */
  closing: 3,
  /** The value the predicate scenarios wait for, and how often the predicate was checked. */
  value: 4,
  checks: 5,
  /** Whose turn it is, in the ping-pong scenarios. */
  turn: 6,
} as const;

function state(memory: SharedMemory): Shared {
  const lock = new GatedLock(memory.int32(GatedLock.WORDS));
  return { lock, condition: new Condition(lock, memory.int32(Condition.WORDS)), ledger: memory.int32(7) };
}

/** Back to a free lock and a condition nobody waits on: zero-filled memory (the kata's rule). */
function reset({ lock, condition, ledger }: Shared): void {
  lock.memory.fill(0);
  condition.memory.fill(0);
  ledger.fill(0);
}

const read = (ledger: Int32Array, word: number) => Atomics.load(ledger, word);
const add = (ledger: Int32Array, word: number, amount: number) => Atomics.add(ledger, word, amount);

/**
 * Holding the lock: one wait() with the ledger around it. Every wait() here has no timeout, so it
 * returns true, and only after a notify picked this thread.
 */
function ledgeredWait({ condition, ledger }: Shared, ctx: ActorContext): void {
  add(ledger, Ledger.waiting, 1);
  ctx.at("wait()");
  const got = condition.wait();
  rule(condition.lock.isOwned(), "wait() returned without taking the lock back");
  rule(got === true, "wait() without a timeout returned false: it must return true once notified");
  rule(
    read(ledger, Ledger.notified) > 0,
    `wait() returned, but no notify was left for it: ${read(ledger, Ledger.woken)} waiter(s) had already returned for the notifies so far. ` +
      "A wait() may return only after a notify picked it, and notify(n) picks at most n waiters.",
  );
  add(ledger, Ledger.notified, -1);
  add(ledger, Ledger.waiting, -1);
  add(ledger, Ledger.woken, 1);
}

/** Holding the lock: notify(n) (n = Infinity for notifyAll), and the ledger's note of whom it may wake. */
function ledgeredNotify({ condition, ledger }: Shared, ctx: ActorContext, n: number): void {
  const unpicked = read(ledger, Ledger.waiting) - read(ledger, Ledger.notified);
  ctx.at(n === Infinity ? "notifyAll()" : `notify(${n})`);
  if (n === Infinity) condition.notifyAll();
  else condition.notify(n);
  add(ledger, Ledger.notified, Math.min(n, unpicked));
}

function locked<T>({ lock }: Shared, ctx: ActorContext, body: () => T): T {
  ctx.at("the lock's acquire() (the ready TicketLock)");
  lock.acquire();
  try {
    return body();
  } finally {
    lock.release();
  }
}

const waiters = 3;

function waiter(shared: Shared, ctx: ActorContext): void {
  locked(shared, ctx, () => ledgeredWait(shared, ctx));
}

/** Actor 0: waits, without the lock, until every waiter is inside wait(). */
function untilAllWaiting({ ledger }: Shared, ctx: ActorContext, count: number): void {
  ctx.until(() => read(ledger, Ledger.waiting) - read(ledger, Ledger.notified) === count, `${count} threads inside wait()`);
}

function untilWoken({ ledger }: Shared, ctx: ActorContext, count: number): void {
  ctx.until(() => read(ledger, Ledger.woken) === count, `${count} wait() call(s) returned`);
}

/** Three threads in wait(); notify() wakes one, then notify(2) the other two. */
export const notifyWakesOneAtATime = scenario<Shared>({
  state,
  reset,
  actors: [
    (shared, ctx) => {
      untilAllWaiting(shared, ctx, waiters);
      locked(shared, ctx, () => ledgeredNotify(shared, ctx, 1));
      untilWoken(shared, ctx, 1);
      locked(shared, ctx, () => ledgeredNotify(shared, ctx, 2));
      untilWoken(shared, ctx, 3);
    },
    ...Array.from({ length: waiters }, () => waiter),
  ],
  repetitions: 40,
});

/** Three threads in wait(); one notifyAll() wakes them all. */
export const notifyAllWakesEveryone = scenario<Shared>({
  state,
  reset,
  actors: [
    (shared, ctx) => {
      untilAllWaiting(shared, ctx, waiters);
      locked(shared, ctx, () => ledgeredNotify(shared, ctx, Infinity));
      untilWoken(shared, ctx, waiters);
    },
    ...Array.from({ length: waiters }, () => waiter),
  ],
  repetitions: 40,
});

const rounds = 300;

/**
 * `threads` threads take turns in a ring, 300 times a repetition, each waiting for its turn:
 * `while (turn !== me) condition.wait(); turn = next; condition.notify()` (or notifyAll()).
 */
function takeTurns(threads: number, wake: "notify" | "notifyAll") {
  return scenario<Shared>({
    state,
    reset,
    actors: Array.from({ length: threads }, () => (shared: Shared, ctx: ActorContext) => {
      const { condition, ledger } = shared;
      for (let round = 0; round < rounds; round++) {
        locked(shared, ctx, () => {
          while (read(ledger, Ledger.turn) !== ctx.actor) {
            ctx.at(`wait() for my turn, round ${round}`);
            condition.wait();
          }
          Atomics.store(ledger, Ledger.turn, (ctx.actor + 1) % threads);
          ctx.at(`${wake}() for the next thread, round ${round}`);
          condition[wake]();
        });
      }
    }),
    repetitions: 20,
  });
}

/**
 * Two threads take turns with notify(). A notify that comes between a waiter's release of the lock
 * and its sleep must not be lost.
 */
export const pingPong = takeTurns(2, "notify");

/** Three threads take turns in a ring with notifyAll(): each wakes both others, one of them goes on. */
export const roundRobin = takeTurns(3, "notifyAll");

/** Holding the lock: arms the gate, so that the release inside this wait() stops in the gap. */
function gatedWaiter(shared: Shared, ctx: ActorContext): void {
  locked(shared, ctx, () => {
    shared.lock.arm();
    ledgeredWait(shared, ctx);
  });
}

/** Once the gated waiter stands in the gap: takes the lock, notify(1), lets the waiter go on. */
function notifyIntoTheGap(shared: Shared, ctx: ActorContext, gated: number): void {
  ctx.until(() => shared.lock.holding(), `actor ${gated} released the lock inside wait()`);
  locked(shared, ctx, () => ledgeredNotify(shared, ctx, 1));
  shared.lock.open();
}

/**
 * A notify that comes while the only waiter is between releasing the lock and falling asleep must
 * still wake it. The gate holds the waiter in that gap while actor 0 takes the lock and notifies.
 */
export const notifyInTheGapWakes = scenario<Shared>({
  state,
  reset,
  actors: [
    (shared, ctx) => {
      notifyIntoTheGap(shared, ctx, 1);
      untilWoken(shared, ctx, 1);
    },
    gatedWaiter,
  ],
  repetitions: 30,
});

/**
 * One waiter asleep, a second one between releasing the lock and falling asleep: notify(1) picks
 * the first (the longest waiting) and must not let the second one through as well.
 */
export const notifyInTheGapWakesOnlyOne = scenario<Shared>({
  state,
  reset,
  actors: [
    (shared, ctx) => {
      notifyIntoTheGap(shared, ctx, 2);
      untilWoken(shared, ctx, 1);
      locked(shared, ctx, () => ledgeredNotify(shared, ctx, 1));
      untilWoken(shared, ctx, 2);
    },
    waiter,
    (shared, ctx) => {
      untilAllWaiting(shared, ctx, 1);
      ctx.untilAsleep(1);
      gatedWaiter(shared, ctx);
    },
  ],
  repetitions: 30,
});

/**
 * Spins (for at most 300 µs) until two threads are inside wait(), not yet picked, and the lock is
 * free: the last of them has just let it go and is on its way to sleep. A notify(1) then, with one
 * waiter asleep and one on its way, is the moment a design that wakes too many goes wrong.
 */
function pounce({ lock, ledger }: Shared): void {
  const until = performance.now() + 0.3;
  while (performance.now() < until) {
    if (read(ledger, Ledger.waiting) - read(ledger, Ledger.notified) >= 2 && !lock.locked()) return;
  }
}

/**
 * Three threads wait over and over while two others notify (notify(1), notify(2), now and then
 * notifyAll()), all at once. The ledger checks every return: no thread wakes without a notify
 * that picked it, and notify(n) never lets more than n through, even for threads that have
 * released the lock but not yet fallen asleep.
 */
export const notifyStorm = scenario<Shared>({
  state,
  reset,
  actors: [
    ...Array.from({ length: 2 }, () => (shared: Shared, ctx: ActorContext) => {
      ctx.repeatTogether(2_000, () => {
        const choice = ctx.random();
        pounce(shared);
        locked(shared, ctx, () => ledgeredNotify(shared, ctx, choice < 0.1 ? Infinity : choice < 0.6 ? 1 : 2));
      });
      locked(shared, ctx, () => {
        Atomics.store(shared.ledger, Ledger.closing, 1);
        ledgeredNotify(shared, ctx, Infinity);
      });
    }),
    ...Array.from({ length: waiters }, () => (shared: Shared, ctx: ActorContext) => {
      ctx.repeatTogether(2_000, () => {
        locked(shared, ctx, () => {
          if (read(shared.ledger, Ledger.closing) === 0) ledgeredWait(shared, ctx);
        });
      });
    }),
  ],
  // The ledger's rule is the check; the histogram only shows how busy the repetitions were (on a
  // crowded machine a waiter may not get a turn before the notifiers close).
  arbiter: ({ ledger }) => {
    const woken = read(ledger, Ledger.woken);
    return acceptable(woken === 0 ? "no wait() returned" : woken < 10 ? "1-9 wait() returned" : woken < 100 ? "10-99 wait() returned" : "100+ wait() returned");
  },
  repetitions: 60,
});

/**
 * waitFor(predicate) checks again after every wake-up: a notifyAll() while the predicate is still
 * false must send the waiter back to sleep, not out of waitFor().
 */
export const waitForChecksAgain = scenario<Shared>({
  state,
  reset,
  actors: [
    (shared, ctx) => {
      const { condition, ledger } = shared;
      ctx.until(() => read(ledger, Ledger.checks) === 1, "actor 1 checked its predicate once");
      locked(shared, ctx, () => {
        Atomics.store(ledger, Ledger.value, 1);
        ctx.at("notifyAll() with the predicate still false");
        condition.notifyAll();
      });
      ctx.until(() => read(ledger, Ledger.checks) >= 2, "actor 1 checked its predicate again");
      locked(shared, ctx, () => {
        Atomics.store(ledger, Ledger.value, 2);
        ctx.at("notifyAll() with the predicate true");
        condition.notifyAll();
      });
    },
    (shared, ctx) => {
      const { condition, ledger } = shared;
      locked(shared, ctx, () => {
        ctx.at("waitFor(() => value >= 2)");
        const got = condition.waitFor(() => {
          add(ledger, Ledger.checks, 1);
          return read(ledger, Ledger.value) >= 2;
        });
        const value = read(ledger, Ledger.value);
        rule(value >= 2, `waitFor(() => value >= 2) returned ${got} with value ${value}: after a wake-up it must check the predicate again and keep waiting while it is false`);
        rule(got === true, "waitFor() without a timeout returned false");
      });
    },
  ],
  repetitions: 30,
});

const shortTimeout = 15;

/** wait(timeout) and waitFor(predicate, timeout) give up when the timeout expires, never before. */
export const timeouts = scenario<Shared>({
  state,
  reset,
  actors: [
    (shared, ctx) => {
      const { condition } = shared;
      locked(shared, ctx, () => {
        ctx.at(`wait(${shortTimeout}) with nobody to notify`);
        let started = performance.now();
        const got = condition.wait(shortTimeout);
        let waited = performance.now() - started;
        rule(got === false, `wait(${shortTimeout}) returned true, but nobody called notify()`);
        rule(waited >= shortTimeout, `wait(${shortTimeout}) gave up after ${waited.toFixed(2)} ms: it must wait the whole timeout`);
        rule(condition.lock.isOwned(), "wait(timeout) returned without taking the lock back");
        ctx.at("wait(0)");
        rule(condition.wait(0) === false, "wait(0) with nobody to notify must return false");
        rule(condition.lock.isOwned(), "wait(0) returned without taking the lock back");
        ctx.at(`waitFor(() => false, ${shortTimeout})`);
        started = performance.now();
        const result = condition.waitFor(() => false, shortTimeout);
        waited = performance.now() - started;
        rule(result === false, `waitFor(() => false, ${shortTimeout}) returned ${String(result)}: it returns the predicate's last value`);
        rule(waited >= shortTimeout, `waitFor(() => false, ${shortTimeout}) gave up after ${waited.toFixed(2)} ms: the timeout is for the whole call`);
        rule(condition.lock.isOwned(), "waitFor(predicate, timeout) returned without taking the lock back");
      });
    },
  ],
  repetitions: 10,
});

/** wait(timeout) returns true when a notify comes in time; another thread can take the lock meanwhile. */
export const waitWithTimeoutNotified = scenario<Shared>({
  state,
  reset,
  actors: [
    (shared, ctx) => {
      untilAllWaiting(shared, ctx, 1);
      locked(shared, ctx, () => ledgeredNotify(shared, ctx, 1));
    },
    (shared, ctx) => {
      const { condition, ledger } = shared;
      locked(shared, ctx, () => {
        add(ledger, Ledger.waiting, 1);
        ctx.at("wait(60000)");
        const got = condition.wait(60_000);
        rule(got === true, "wait(60000) returned false: it must return true when notified in time");
        rule(read(ledger, Ledger.notified) === 1, "wait(60000) returned before the notify");
        rule(condition.lock.isOwned(), "wait(60000) returned without taking the lock back");
      });
    },
  ],
  repetitions: 30,
});

/** The rules of ownership, one thread: wait and notify without the lock throw; waitFor(true) does not sleep. */
export const basics = scenario<Shared>({
  state: (memory) => {
    // A condition made with `new Condition(lock)`, as a learner would make one.
    const shared = state(memory);
    return { ...shared, condition: new Condition(new TicketLock()) };
  },
  actors: [
    ({ condition }, ctx) => {
      ctx.at("notify() without holding the lock");
      rule(throws(() => condition.notify()), "notify() without holding the lock must throw (Python: RuntimeError: cannot notify on un-acquired lock)");
      ctx.at("notifyAll() without holding the lock");
      rule(throws(() => condition.notifyAll()), "notifyAll() without holding the lock must throw");
      ctx.at("wait() without holding the lock");
      rule(throws(() => condition.wait(0)), "wait() without holding the lock must throw (Python: RuntimeError: cannot wait on un-acquired lock)");
      rule(!condition.lock.isOwned(), "wait() without holding the lock took the lock");
      condition.acquire();
      ctx.at("notify() and notifyAll() with nobody waiting");
      condition.notify();
      condition.notify(5);
      condition.notifyAll();
      const sleepsBefore = ctx.sleeps();
      ctx.at("waitFor(() => true)");
      rule(condition.waitFor(() => true) === true, "waitFor(() => true) must return true");
      rule(ctx.sleeps() === sleepsBefore, "waitFor() of a predicate that is already true went to sleep: it must return at once");
      rule(condition.lock.isOwned(), "waitFor() returned without the lock");
      condition.release();
      // With time to wait (a waitFor() may give up without waiting once no time is left, as with 0).
      ctx.at(`waitFor(() => false, ${shortTimeout}) without holding the lock`);
      rule(throws(() => condition.waitFor(() => false, shortTimeout)), `waitFor(() => false, ${shortTimeout}) without holding the lock must throw: its wait() must`);
    },
  ],
  repetitions: 5,
});
