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
  private static readonly acquiring = 2;
  static readonly WORDS = TicketLock.WORDS + 3;
  private readonly me = threadId + 1;
  private readonly inner: TicketLock;

  constructor(readonly memory: Int32Array) {
    this.inner = new TicketLock(memory.subarray(0, TicketLock.WORDS));
  }

  private get words(): Int32Array {
    return this.memory.subarray(TicketLock.WORDS);
  }

  acquire(): void {
    Atomics.add(this.words, GatedLock.acquiring, 1);
    try {
      this.inner.acquire();
    } finally {
      Atomics.sub(this.words, GatedLock.acquiring, 1);
    }
  }

  /** How many threads are inside acquire() right now, not yet holding the lock. */
  acquiring(): number {
    return Atomics.load(this.words, GatedLock.acquiring);
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
  /** wait() calls begun so far (never counted down): the order waiters joined in. */
  joined: 7,
  /** wait(timeout) calls that returned false. */
  timedOut: 8,
  /** The actors whose wait() returned true, in the order they returned (woken of them). */
  order: 9,
  /** wait() calls without a timeout begun so far, and the actors that made them, in that order. */
  queued: 17,
  queue: 18,
  /**
   * The line as the test sees it: threads in wait(), longest waiting first, a ring of 8 (head,
   * length, actors). A notify picks from its front, marking the actors it picked in `picked` (a
   * bit each): a wait() may return only in a thread that was picked. Off once a timed wait() runs
   * (`timed`): whether a notify reached a waiter whose time ran out is not the test's to know.
   */
  lineHead: 26,
  lineLength: 27,
  line: 28,
  picked: 36,
  timed: 37,
  /** The actors that are done with their waits (a bit each), in fifoOrder. */
  finished: 38,
} as const;
const ledgerWords = Ledger.finished + 1;
const lineRing = 8;

function state(memory: SharedMemory): Shared {
  const lock = new GatedLock(memory.int32(GatedLock.WORDS));
  return { lock, condition: new Condition(lock, memory.int32(Condition.WORDS)), ledger: memory.int32(ledgerWords) };
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
  add(ledger, Ledger.joined, 1);
  const queued = read(ledger, Ledger.queued);
  if (queued < 8) Atomics.store(ledger, Ledger.queue + queued, ctx.actor);
  add(ledger, Ledger.queued, 1);
  const length = read(ledger, Ledger.lineLength);
  Atomics.store(ledger, Ledger.line + ((read(ledger, Ledger.lineHead) + length) % lineRing), ctx.actor);
  add(ledger, Ledger.lineLength, 1);
  ctx.at("wait()");
  const got = condition.wait();
  rule(condition.lock.isOwned(), "wait() returned without taking the lock back");
  rule(got === true, "wait() without a timeout returned false: it must return true once notified");
  rule(
    read(ledger, Ledger.notified) > 0,
    `wait() returned, but no notify was left for it: ${read(ledger, Ledger.woken)} waiter(s) had already returned for the notifies so far. ` +
      "A wait() may return only after a notify picked it, and notify(n) picks at most n waiters.",
  );
  if (read(ledger, Ledger.timed) === 0) {
    const me = 1 << ctx.actor;
    rule(
      (read(ledger, Ledger.picked) & me) !== 0,
      `wait() returned in actor ${ctx.actor}, but the notifies so far were owed to ${actorsIn(read(ledger, Ledger.picked))}, who had waited longer: notify() wakes the longest-waiting thread first`,
    );
    Atomics.and(ledger, Ledger.picked, ~me);
  }
  add(ledger, Ledger.notified, -1);
  add(ledger, Ledger.waiting, -1);
  // The order first, the count second: the notifier reads them without the lock.
  const woken = read(ledger, Ledger.woken);
  if (woken < 8) Atomics.store(ledger, Ledger.order + woken, ctx.actor);
  add(ledger, Ledger.woken, 1);
}

/** Holding the lock: notify(n) (n = Infinity for notifyAll), and the ledger's note of whom it may wake. */
function ledgeredNotify({ condition, ledger }: Shared, ctx: ActorContext, n: number): void {
  const unpicked = read(ledger, Ledger.waiting) - read(ledger, Ledger.notified);
  ctx.at(n === Infinity ? "notifyAll()" : `notify(${n})`);
  if (n === Infinity) condition.notifyAll();
  else condition.notify(n);
  add(ledger, Ledger.notified, Math.min(n, unpicked));
  // The line: the longest waiting are the ones picked.
  for (let i = 0; i < Math.min(n, unpicked) && read(ledger, Ledger.lineLength) > 0; i++) {
    const head = read(ledger, Ledger.lineHead);
    Atomics.or(ledger, Ledger.picked, 1 << read(ledger, Ledger.line + head));
    Atomics.store(ledger, Ledger.lineHead, (head + 1) % lineRing);
    add(ledger, Ledger.lineLength, -1);
  }
}

function actorsIn(mask: number): string {
  const actors = [0, 1, 2, 3, 4, 5, 6, 7].filter((actor) => (mask & (1 << actor)) !== 0);
  return actors.length === 0 ? "nobody" : actors.map((actor) => `actor ${actor}`).join(" and ");
}

/**
 * Holding the lock: `body`, then release. If the condition's call inside let the lock go, this
 * says so, and never hides a failure behind its own release() of a lock it no longer holds.
 */
function locked<T>({ lock }: Shared, ctx: ActorContext, body: () => T): T {
  ctx.at("the lock's acquire() (the ready TicketLock)");
  lock.acquire();
  let result: T;
  try {
    result = body();
  } catch (error) {
    if (lock.isOwned()) lock.release();
    throw error;
  }
  rule(
    lock.isOwned(),
    "a call on the condition returned without the lock: wait() and waitFor() take the lock back before they return, and notify() never lets it go",
  );
  lock.release();
  return result;
}

/** Waits until `condition()` holds or `ms` have passed; whether it holds. For "must happen soon" checks. */
function within(ctx: ActorContext, ms: number, condition: () => boolean, what: string): boolean {
  const until = performance.now() + ms;
  ctx.until(() => condition() || performance.now() > until, what);
  return condition();
}

/** How long after its timeout a call may still return: generous, a bound for a hang, not a speed test. */
const late = 1_000;

const waiters = 3;

function waiter(shared: Shared, ctx: ActorContext): void {
  locked(shared, ctx, () => ledgeredWait(shared, ctx));
}

/** Actor 0: waits, without the lock, until every waiter is inside wait(). */
function untilAllWaiting({ ledger }: Shared, ctx: ActorContext, count: number): void {
  ctx.until(
    () => read(ledger, Ledger.waiting) - read(ledger, Ledger.notified) === count,
    `${count} threads inside wait()`,
  );
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
            rule(condition.lock.isOwned(), "wait() returned without taking the lock back");
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
    return acceptable(
      woken === 0
        ? "no wait() returned"
        : woken < 10
          ? "1-9 wait() returned"
          : woken < 100
            ? "10-99 wait() returned"
            : "100+ wait() returned",
    );
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
          rule(
            condition.lock.isOwned(),
            "waitFor() called the predicate without holding the lock: it checks the shared state, so it must run under the lock",
          );
          add(ledger, Ledger.checks, 1);
          return read(ledger, Ledger.value) >= 2;
        });
        const value = read(ledger, Ledger.value);
        rule(
          value >= 2,
          `waitFor(() => value >= 2) returned ${got} with value ${value}: after a wake-up it must check the predicate again and keep waiting while it is false`,
        );
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
        rule(
          waited >= shortTimeout,
          `wait(${shortTimeout}) gave up after ${waited.toFixed(2)} ms: it must wait the whole timeout`,
        );
        rule(
          waited < shortTimeout + late,
          `wait(${shortTimeout}) returned only after ${waited.toFixed(0)} ms: it must give up soon after its timeout`,
        );
        rule(condition.lock.isOwned(), "wait(timeout) returned without taking the lock back");
        ctx.at("wait(0)");
        rule(condition.wait(0) === false, "wait(0) with nobody to notify must return false");
        rule(condition.lock.isOwned(), "wait(0) returned without taking the lock back");
        ctx.at(`waitFor(() => false, ${shortTimeout})`);
        started = performance.now();
        const result = condition.waitFor(() => false, shortTimeout);
        waited = performance.now() - started;
        rule(
          result === false,
          `waitFor(() => false, ${shortTimeout}) returned ${String(result)}: it returns the predicate's last value`,
        );
        rule(
          waited >= shortTimeout,
          `waitFor(() => false, ${shortTimeout}) gave up after ${waited.toFixed(2)} ms: the timeout is for the whole call`,
        );
        rule(
          waited < shortTimeout + late,
          `waitFor(() => false, ${shortTimeout}) returned only after ${waited.toFixed(0)} ms: it must give up soon after its timeout`,
        );
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
      rule(
        throws(() => condition.notify()),
        "notify() without holding the lock must throw (Python: RuntimeError: cannot notify on un-acquired lock)",
      );
      ctx.at("notifyAll() without holding the lock");
      rule(
        throws(() => condition.notifyAll()),
        "notifyAll() without holding the lock must throw",
      );
      ctx.at("wait() without holding the lock");
      rule(
        throws(() => condition.wait(0)),
        "wait() without holding the lock must throw (Python: RuntimeError: cannot wait on un-acquired lock)",
      );
      rule(!condition.lock.isOwned(), "wait() without holding the lock took the lock");
      condition.acquire();
      ctx.at("notify() and notifyAll() with nobody waiting");
      condition.notify();
      condition.notify(5);
      condition.notifyAll();
      ctx.at("wait(1) on a condition made without memory");
      rule(condition.wait(1) === false, "wait(1) with nobody to notify must return false");
      rule(condition.lock.isOwned(), "wait(1) returned without taking the lock back");
      const sleepsBefore = ctx.sleeps();
      ctx.at("waitFor(() => true)");
      rule(condition.waitFor(() => true) === true, "waitFor(() => true) must return true");
      rule(
        ctx.sleeps() === sleepsBefore,
        "waitFor() of a predicate that is already true went to sleep: it must return at once",
      );
      rule(condition.lock.isOwned(), "waitFor() returned without the lock");
      condition.release();
      // With time to wait (a waitFor() may give up without waiting once no time is left, as with 0).
      ctx.at(`waitFor(() => false, ${shortTimeout}) without holding the lock`);
      rule(
        throws(() => condition.waitFor(() => false, shortTimeout)),
        `waitFor(() => false, ${shortTimeout}) without holding the lock must throw: its wait() must`,
      );
    },
  ],
  repetitions: 5,
});

/** Holding the lock: wait(timeout) that nobody notifies; it must return false, the lock taken back. */
function ledgeredTimedWait({ condition, ledger }: Shared, ctx: ActorContext, timeout: number, exact = false): boolean {
  // Exact: no notify comes while this wait may be timing out, so a false return takes this
  // thread out of the test's line. Otherwise whom a notify reached is not the test's to know.
  if (!exact) Atomics.store(ledger, Ledger.timed, 1);
  const length = read(ledger, Ledger.lineLength);
  Atomics.store(ledger, Ledger.line + ((read(ledger, Ledger.lineHead) + length) % lineRing), ctx.actor);
  add(ledger, Ledger.lineLength, 1);
  add(ledger, Ledger.waiting, 1);
  add(ledger, Ledger.joined, 1);
  ctx.at(`wait(${timeout})`);
  const got = condition.wait(timeout);
  rule(condition.lock.isOwned(), `wait(${timeout}) returned without taking the lock back`);
  if (got) {
    rule(read(ledger, Ledger.notified) > 0, `wait(${timeout}) returned true, but no notify was left for it`);
    add(ledger, Ledger.notified, -1);
    add(ledger, Ledger.woken, 1);
  } else {
    add(ledger, Ledger.timedOut, 1);
    leaveTheLine(ledger, ctx.actor);
  }
  add(ledger, Ledger.waiting, -1);
  return got;
}

/** Takes `actor` out of the test's line (it timed out), keeping the others in order. */
function leaveTheLine(ledger: Int32Array, actor: number): void {
  const head = read(ledger, Ledger.lineHead);
  const length = read(ledger, Ledger.lineLength);
  const rest = Array.from({ length }, (_, i) => read(ledger, Ledger.line + ((head + i) % lineRing))).filter(
    (queued) => queued !== actor,
  );
  rest.forEach((queued, i) => Atomics.store(ledger, Ledger.line + ((head + i) % lineRing), queued));
  Atomics.store(ledger, Ledger.lineLength, rest.length);
}

/** Waits (without the lock) until `count` wait() calls have begun and the last of them sleeps. */
function untilJoined({ ledger }: Shared, ctx: ActorContext, count: number, last: number): void {
  ctx.until(() => read(ledger, Ledger.joined) === count, `${count} thread(s) called wait()`);
  ctx.untilAsleep(last);
}

const fifoTimeout = 25;

/**
 * notify() picks the longest-waiting thread. Threads 1, 3 and 4 call wait() one after the other
 * (each once the one before sleeps in it); thread 2 calls wait(25) between 1 and 3, times out,
 * and calls wait() again, last. Then notify() once at a time, each time when every thread still
 * to be woken is back in wait(): 1, 3 and 4 join the line again at the back as soon as they are
 * woken, once. The threads must return in the order they called wait(): 1, 3, 4, 2, 1, 3, 4. A
 * waiter that timed out leaves the line without disturbing it, and a slot used again is not
 * served out of turn.
 */
export const fifoOrder = scenario<Shared>({
  state,
  reset,
  actors: [
    (shared, ctx) => {
      const { ledger } = shared;
      ctx.until(
        () => read(ledger, Ledger.timedOut) === 1 && read(ledger, Ledger.queued) === 4,
        "four wait() calls begun, one wait(25) timed out",
      );
      for (let i = 0; i < fifoWakes; i++) {
        const unfinished = [1, 2, 3, 4].filter((actor) => (read(ledger, Ledger.finished) & (1 << actor)) === 0);
        ctx.until(
          () =>
            read(ledger, Ledger.waiting) - read(ledger, Ledger.notified) ===
              4 - bitCount(read(ledger, Ledger.finished)) &&
            [1, 2, 3, 4].every((actor) => (read(ledger, Ledger.finished) & (1 << actor)) !== 0 || ctx.asleep(actor)),
          `the ${unfinished.length} thread(s) still to be woken are in wait()`,
        );
        locked(shared, ctx, () => ledgeredNotify(shared, ctx, 1));
        untilWoken(shared, ctx, i + 1);
        const [got, expected] = [read(ledger, Ledger.order + i), read(ledger, Ledger.queue + i)];
        const line = Array.from({ length: Math.min(8, read(ledger, Ledger.queued)) }, (_, k) =>
          read(ledger, Ledger.queue + k),
        );
        rule(
          got === expected,
          `notify() number ${i + 1} woke actor ${got}, but actor ${expected} had waited longest (the threads called wait() in the order ${line.join(", ")}; actor 2 had timed out once before): notify() wakes the longest-waiting thread first`,
        );
      }
    },
    (shared, ctx) => fifoWaiter(shared, ctx, () => undefined),
    (shared, ctx) => {
      const { ledger } = shared;
      untilJoined(shared, ctx, 1, 1);
      locked(shared, ctx, () => {
        const got = ledgeredTimedWait(shared, ctx, fifoTimeout, true);
        rule(got === false, `wait(${fifoTimeout}) returned true, but nobody had called notify() yet`);
      });
      ctx.until(() => read(ledger, Ledger.queued) === 3, "actors 1, 3 and 4 called wait()");
      ctx.untilAsleep(read(ledger, Ledger.queue + 2));
      waiter(shared, ctx);
      Atomics.or(ledger, Ledger.finished, 1 << ctx.actor);
    },
    (shared, ctx) =>
      fifoWaiter(shared, ctx, () => {
        const { ledger } = shared;
        ctx.until(
          () => read(ledger, Ledger.joined) >= 2 && (ctx.asleep(2) || read(ledger, Ledger.timedOut) === 1),
          "actor 2 called wait(25)",
        );
      }),
    (shared, ctx) =>
      fifoWaiter(shared, ctx, () => {
        const { ledger } = shared;
        ctx.until(
          () => read(ledger, Ledger.queued) === 2 && read(ledger, Ledger.queue + 1) === 3,
          "actor 3 called wait()",
        );
        ctx.untilAsleep(3);
      }),
  ],
  arbiter: ({ ledger }) => {
    const line = [0, 1, 2, 3].map((i) => read(ledger, Ledger.queue + i)).join(", ");
    return acceptable(line === "1, 3, 4, 2" ? "timed out in the middle, back in line last" : `line ${line}`);
  },
  repetitions: 15,
});

/** Wakes in fifoOrder: 1, 3, 4 twice each, 2 once (after its wait(25) timed out). */
const fifoWakes = 7;

/** A waiter of fifoOrder: waits its turn to join, waits, and once woken waits once more, at once. */
function fifoWaiter(shared: Shared, ctx: ActorContext, turn: () => void): void {
  turn();
  waiter(shared, ctx);
  waiter(shared, ctx);
  Atomics.or(shared.ledger, Ledger.finished, 1 << ctx.actor);
}

function bitCount(mask: number): number {
  let count = 0;
  for (let bits = mask; bits !== 0; bits &= bits - 1) count++;
  return count;
}

/**
 * notify(1) when the longest waiter's timeout has expired (it is trying to take the lock back, and
 * the notifier holds it): the notify must not be lost on it. Either that waiter's wait() returns
 * true (the notify reached it first), or it returns false and the notify goes to the next waiter.
 */
export const notifySkipsTimedOut = scenario<Shared>({
  state,
  reset,
  actors: [
    (shared, ctx) => {
      const { lock, ledger } = shared;
      untilJoined(shared, ctx, 2, 2);
      locked(shared, ctx, () => {
        // Under load actor 1 may have timed out and left before this thread got the lock: then
        // the notify must go to actor 2 all the same.
        ctx.until(
          () => lock.acquiring() > 0 || read(ledger, Ledger.timedOut) === 1,
          `actor 1's wait(${shortTimeout}) timed out and it wants the lock back`,
        );
        ledgeredNotify(shared, ctx, 1);
      });
      // Actor 1's wait() decides which way this went: it may have timed out and still be taking
      // the lock back while actor 2, notified, has already returned.
      ctx.until(() => (read(ledger, Ledger.finished) & (1 << 1)) !== 0, "actor 1's wait() returned");
      if (read(ledger, Ledger.timedOut) === 1) {
        const woke = within(ctx, late, () => read(ledger, Ledger.woken) === 1, "actor 2 returns from wait()");
        rule(
          woke,
          `notify(1) reached a waiter whose wait(${shortTimeout}) had timed out, and that wait() returned false: the notify was lost, and the thread still waiting never woke. A notify that finds a waiter gone goes on to the next one`,
        );
      } else {
        untilWoken(shared, ctx, 1);
        locked(shared, ctx, () => ledgeredNotify(shared, ctx, 1));
        untilWoken(shared, ctx, 2);
      }
    },
    (shared, ctx) => {
      locked(shared, ctx, () => void ledgeredTimedWait(shared, ctx, shortTimeout));
      Atomics.or(shared.ledger, Ledger.finished, 1 << 1);
    },
    (shared, ctx) => {
      // Behind actor 1 in the line; under load actor 1 may have timed out already, and that is fine.
      const { ledger } = shared;
      ctx.until(
        () => read(ledger, Ledger.joined) === 1 && (ctx.asleep(1) || read(ledger, Ledger.timedOut) === 1),
        "actor 1 called wait(15)",
      );
      waiter(shared, ctx);
    },
  ],
  arbiter: ({ ledger }) =>
    acceptable(read(ledger, Ledger.timedOut) === 1 ? "timed out, the next one woke" : "the notify won"),
  repetitions: 15,
});

/** How long the notifier watches for a thread that notify(0) woke by mistake. */
const watchMs = 2;

/**
 * Three threads in wait(). notify(0) wakes nobody: holding the lock, the test watches for a waiter
 * trying to take it back. Then notify(5) wakes all three: min(n, waiting), no more, no fewer.
 */
export const notifyCounts = scenario<Shared>({
  state,
  reset,
  actors: [
    (shared, ctx) => {
      untilAllWaiting(shared, ctx, waiters);
      for (let peer = 1; peer <= waiters; peer++) ctx.untilAsleep(peer);
      locked(shared, ctx, () => {
        ledgeredNotify(shared, ctx, 0);
        const woke = within(ctx, watchMs, () => shared.lock.acquiring() > 0, "a waiter wants the lock back");
        rule(!woke, "notify(0) woke a waiter: notify(n) wakes at most n, and n = 0 wakes nobody");
      });
      locked(shared, ctx, () => ledgeredNotify(shared, ctx, 5));
      untilWoken(shared, ctx, waiters);
    },
    ...Array.from({ length: waiters }, () => waiter),
  ],
  repetitions: 20,
});

/**
 * A wait(), waitFor() or notify() that threw because the lock was not held leaves no trace: the
 * thread then waits properly, and one notify() must wake it (not a ghost left in the line).
 */
export const misuseLeavesNoTrace = scenario<Shared>({
  state,
  reset,
  actors: [
    (shared, ctx) => {
      untilAllWaiting(shared, ctx, 1);
      ctx.untilAsleep(1);
      locked(shared, ctx, () => ledgeredNotify(shared, ctx, 1));
      const woke = within(ctx, late, () => read(shared.ledger, Ledger.woken) === 1, "actor 1 returns from wait()");
      rule(
        woke,
        "notify() did not wake the only thread in wait(): the calls that threw before (wait(), waitFor(), notify() without the lock) left something behind that took the notify",
      );
    },
    (shared, ctx) => {
      const { condition } = shared;
      ctx.at("wait(5), waitFor(), notify(), notifyAll() without the lock");
      rule(
        throws(() => condition.wait(5)),
        "wait(5) without holding the lock must throw",
      );
      rule(
        throws(() => condition.wait()),
        "wait() without holding the lock must throw",
      );
      rule(
        throws(() => condition.waitFor(() => false, 5)),
        "waitFor() without holding the lock must throw",
      );
      rule(
        throws(() => condition.notify(2)),
        "notify(2) without holding the lock must throw",
      );
      rule(
        throws(() => condition.notifyAll()),
        "notifyAll() without holding the lock must throw",
      );
      rule(!condition.lock.isOwned(), "a call without the lock that threw left the lock taken");
      waiter(shared, ctx);
    },
  ],
  repetitions: 20,
});

const wholeTimeout = 40;

/**
 * waitFor(predicate, timeout): the timeout is for the whole call, however often a notifyAll()
 * wakes it with the predicate still false; and with a predicate that comes true in time it
 * returns true.
 */
export const waitForTimeoutIsWhole = scenario<Shared>({
  state,
  reset,
  actors: [
    (shared, ctx) => {
      const { ledger } = shared;
      const stop = performance.now() + wholeTimeout + late + 100;
      ctx.at("notifyAll() every millisecond, the predicate false");
      while (read(ledger, Ledger.closing) === 0 && performance.now() < stop) {
        locked(shared, ctx, () => shared.condition.notifyAll());
        for (const until = performance.now() + 1; performance.now() < until;);
      }
      ctx.until(() => read(ledger, Ledger.checks) > 0, "actor 1 waits for value 1");
      locked(shared, ctx, () => {
        Atomics.store(ledger, Ledger.value, 1);
        shared.condition.notifyAll();
      });
    },
    (shared, ctx) => {
      const { condition, ledger } = shared;
      locked(shared, ctx, () => {
        ctx.at(`waitFor(() => false, ${wholeTimeout}) while notifyAll() comes every millisecond`);
        const started = performance.now();
        const result = condition.waitFor(() => false, wholeTimeout);
        const waited = performance.now() - started;
        Atomics.store(ledger, Ledger.closing, 1);
        rule(
          result === false,
          `waitFor(() => false, ${wholeTimeout}) returned ${String(result)}: it returns the predicate's last value`,
        );
        rule(
          waited >= wholeTimeout,
          `waitFor(() => false, ${wholeTimeout}) gave up after ${waited.toFixed(2)} ms: it must wait the whole timeout`,
        );
        rule(
          waited < wholeTimeout + late,
          `waitFor(() => false, ${wholeTimeout}) returned only after ${waited.toFixed(0)} ms while notifyAll() woke it again and again: the timeout is for the whole call, not for each wait()`,
        );
        ctx.at("waitFor(() => value === 1, 60000)");
        const got = condition.waitFor(() => {
          add(ledger, Ledger.checks, 1);
          return read(ledger, Ledger.value) === 1;
        }, 60_000);
        rule(
          got === true,
          "waitFor(predicate, 60000) returned false though the predicate came true in time: it returns the predicate's last value",
        );
        rule(read(ledger, Ledger.value) === 1, "waitFor(predicate, 60000) returned true before the predicate was true");
      });
    },
  ],
  repetitions: 5,
});
