// The Semaphore kata's scenarios. They run inside worker threads (see harness/scenario.ts).

import { BoundedSemaphore, Semaphore } from "#kata/04-semaphore/semaphore.ts";
import {
  acceptable,
  beforeTimeout,
  crowd,
  forbidden,
  rule,
  scenario,
  throwsError,
  type Actor,
  type ActorContext,
  type OverlapTracker,
  type SharedMemory,
} from "#threadkata/scenario.ts";

/**
 * How many permits are free right now, counted with tryAcquire() (at most `upTo + 1` tries) and
 * then given back. Only for a moment when no other thread uses the semaphore.
 */
function freePermits(sem: Semaphore, upTo: number): number {
  let got = 0;
  while (got <= upTo && sem.tryAcquire()) got++;
  if (got > 0) sem.release(got);
  return got;
}

// ---------------------------------------------------------------------------------------------
// The connection pool: at most N threads hold a connection at once.

interface Pool {
  sem: Semaphore;
  /** The threads holding a connection right now, and the most that ever did at once. */
  inside: OverlapTracker;
}

/** How long the actors of the pool scenarios run side by side in each repetition. */
const poolMicros = 1000;

/**
 * `actors` threads share a pool of `permits` connections, taking one and giving it back for a
 * while, with acquire(), acquire(timeout) and tryAcquire() mixed at random.
 */
function pool(permits: number, actors: number, kind: typeof Semaphore = Semaphore) {
  return scenario<Pool>({
    state: (memory) => ({ sem: new kind(permits, memory.int32(Semaphore.WORDS)), inside: memory.overlap() }),
    reset: ({ inside }) => inside.reset(),
    actors: crowd(actors, ({ sem, inside }, ctx) => {
      ctx.repeatTogether(poolMicros, () => {
        const how = ctx.random();
        if (how < 0.5) {
          ctx.at("acquire()");
          rule(sem.acquire() === true, "acquire() without a timeout must return true once it has a permit");
        } else if (how < 0.75) {
          ctx.at("acquire(60000)");
          rule(sem.acquire(60_000) === true, "acquire(60000) returned false, long before its timeout");
        } else {
          ctx.at("tryAcquire()");
          if (!sem.tryAcquire()) return;
        }
        inside.enter();
        ctx.pause(1);
        inside.leave();
        ctx.at("release()");
        sem.release();
      });
    }),
    arbiter: ({ sem, inside }) => {
      if (inside.most > permits) {
        return forbidden(
          `${inside.most} inside`,
          `a pool of ${permits} was overfull: ${inside.most} threads held a permit at once (two threads took the same last permit)`,
        );
      }
      const free = freePermits(sem, permits);
      if (free !== permits) {
        return forbidden(
          `${free} free`,
          `every thread gave its permit back, so ${permits} should be free; tryAcquire() succeeded ${free} times (a permit was ${free < permits ? "lost" : "created"})`,
        );
      }
      return acceptable(`at most ${permits}`);
    },
    repetitions: 60,
  });
}

/** Four threads, two connections. */
export const poolOfTwo = pool(2, 4);

/** Five threads, three connections. */
export const poolOfThree = pool(3, 5);

/** Four threads, two connections, a BoundedSemaphore: its releases race each other and the acquires too. */
export const boundedPoolOfTwo = pool(2, 4, BoundedSemaphore);

/** The pool of the last-permit scenario: all its connections but one are in use elsewhere. */
const lastPermitPool = 3;

interface LastPermit extends Pool {
  /** Arrivals at the meeting point where the two threads line up before each try. */
  meet: Int32Array;
}

/**
 * Waits (briefly) for the other thread of a pair to arrive too, so that both reach for the permit
 * at the same moment. Gives up after a while (the other thread may be off its core, or done).
 */
function meetPartner(meet: Int32Array): void {
  const arrived = Atomics.add(meet, 0, 1) + 1;
  const everyone = arrived + (arrived % 2);
  for (let spins = 0; spins < 5_000 && Atomics.load(meet, 0) < everyone; spins++) {
    // spinning on purpose: the other thread is a few hundred nanoseconds away
  }
}

/** Holds on for about `micros` microseconds, long enough for a second holder to show up. */
function hold(micros: number): void {
  const until = performance.now() + micros / 1000;
  while (performance.now() < until) {
    // spinning on purpose
  }
}

/**
 * Three connections, two of them in use elsewhere for the whole repetition: two threads line up
 * and reach for the last one together, over and over. Whoever gets it holds it alone.
 */
export const lastPermit = scenario<LastPermit>({
  state: (memory) => ({
    sem: new Semaphore(lastPermitPool, memory.int32(Semaphore.WORDS)),
    inside: memory.overlap(),
    meet: memory.int32(1),
  }),
  reset: ({ sem, inside, meet }) => {
    inside.reset();
    Atomics.store(meet, 0, 0);
    for (let i = 1; i < lastPermitPool; i++) {
      rule(
        sem.tryAcquire(),
        `tryAcquire() on a Semaphore(${lastPermitPool}) with ${lastPermitPool - i + 1} permits free returned false`,
      );
    }
  },
  actors: crowd(2, ({ sem, inside, meet }, ctx) => {
    ctx.at("tryAcquire() and release() of the last permit");
    ctx.repeatTogether(poolMicros, () => {
      meetPartner(meet);
      ctx.pause(0.2);
      if (!sem.tryAcquire()) return;
      inside.enter();
      hold(1);
      inside.leave();
      sem.release();
    });
  }),
  arbiter: ({ sem, inside }) => {
    const free = freePermits(sem, 1);
    sem.release(lastPermitPool - 1); // the connections in use elsewhere come back
    if (inside.most > 1) {
      return forbidden(
        `${inside.most} inside`,
        `${inside.most} threads held the last permit at once: both saw it free, and both took it`,
      );
    }
    if (free !== 1)
      return forbidden(`${free} free`, `one permit should be free at the end; tryAcquire() succeeded ${free} times`);
    return acceptable("held alone");
  },
  // Two threads that take the same permit need to meet within nanoseconds: many short tries.
  repetitions: 200,
});

// ---------------------------------------------------------------------------------------------
// Waiters on an empty semaphore.

interface Empty {
  sem: Semaphore;
  /** Waiters that got through acquire(). */
  passed: Int32Array;
  /** Per actor: 1 once its acquire() returned. */
  through: Int32Array;
  flags: Int32Array;
}

const Flag = { answered: 0 } as const;

const waiters = 4;
const firstRelease = 3;

function empty(memory: SharedMemory): Empty {
  return {
    sem: new Semaphore(0, memory.int32(Semaphore.WORDS)),
    passed: memory.int32(1),
    through: memory.int32(waiters + 1),
    flags: memory.int32(1),
  };
}

function resetEmpty({ passed, through, flags }: Empty): void {
  Atomics.store(passed, 0, 0);
  through.fill(0);
  flags.fill(0);
}

function staysEmpty({ sem }: Empty) {
  const free = freePermits(sem, 0);
  return free === 0
    ? acceptable("no permit left over")
    : forbidden(
        `${free} free`,
        `every permit released was taken, yet tryAcquire() found one free at the end: a permit was created`,
      );
}

const waiter: Actor<Empty, undefined> = ({ sem, passed, through }, ctx) => {
  ctx.at("acquire() of an empty semaphore");
  rule(sem.acquire() === true, "acquire() without a timeout must return true once it has a permit");
  Atomics.store(through, ctx.actor, 1);
  Atomics.add(passed, 0, 1);
};

/**
 * Four threads block on a semaphore at 0. release(3) must let exactly three through (the fourth
 * sleeps on), and release(1) the last.
 */
export const releaseWakesWaiters = scenario<Empty>({
  state: empty,
  reset: resetEmpty,
  actors: [
    ({ sem, passed, through }, ctx) => {
      for (let peer = 1; peer <= waiters; peer++) ctx.untilAsleep(peer);
      ctx.at(`release(${firstRelease})`);
      sem.release(firstRelease);
      ctx.until(
        () => Atomics.load(passed, 0) >= firstRelease,
        `${firstRelease} waiters got through after release(${firstRelease})`,
      );
      for (let peer = 1; peer <= waiters; peer++) {
        if (Atomics.load(through, peer) === 0) ctx.untilAsleep(peer);
      }
      const got = Atomics.load(passed, 0);
      rule(
        got === firstRelease,
        `release(${firstRelease}) let ${got} of ${waiters} waiters through: it must let exactly ${firstRelease}`,
      );
      ctx.at("release(1)");
      sem.release(1);
      ctx.until(() => Atomics.load(passed, 0) === waiters, `the last waiter got through after release(1)`);
    },
    ...crowd(waiters, waiter),
  ],
  arbiter: staysEmpty,
  repetitions: 30,
});

// ---------------------------------------------------------------------------------------------
// Timeouts and tryAcquire().

const shortTimeout = 20;
/** "Not long after the timeout", generously: far above any scheduling delay, far below waiting on. */
const lateBound = 1_000;

/**
 * acquire(timeout) on an empty semaphore returns false when the timeout expires, never before,
 * even when it is woken early without a permit (as when release() woke it but another thread
 * took the permit first).
 */
export const acquireTimesOut = scenario<Empty>({
  state: empty,
  reset: resetEmpty,
  actors: [
    ({ sem, flags }, ctx) => {
      ctx.untilAsleep(1);
      // A wake-up with no permit behind it: every word of the semaphore is notified.
      for (let word = 0; word < sem.memory.length; word++) Atomics.notify(sem.memory, word);
      ctx.until(() => Atomics.load(flags, Flag.answered) === 1, "actor 1 answered");
    },
    ({ sem, flags }, ctx) => {
      ctx.at(`acquire(${shortTimeout}) of an empty semaphore`);
      const started = performance.now();
      const got = sem.acquire(shortTimeout);
      const waited = performance.now() - started;
      rule(got === false, `acquire(${shortTimeout}) returned true on a semaphore with no permit`);
      rule(
        waited >= shortTimeout,
        `acquire(${shortTimeout}) gave up after ${waited.toFixed(2)} ms: it must wait the whole timeout`,
      );
      rule(
        waited < lateBound,
        `acquire(${shortTimeout}) gave up only after ${waited.toFixed(0)} ms: once the timeout has passed it must return false, not wait on`,
      );
      Atomics.store(flags, Flag.answered, 1);
    },
  ],
  arbiter: staysEmpty,
  repetitions: 10,
});

/** acquire(timeout) sleeps on an empty semaphore and returns true when a permit comes in time. */
export const acquireWithTimeoutSucceeds = scenario<Empty>({
  state: empty,
  reset: resetEmpty,
  actors: [
    ({ sem }, ctx) => {
      ctx.untilAsleep(1);
      ctx.at("release()");
      sem.release();
    },
    ({ sem }, ctx) => {
      ctx.at("acquire(60000) of an empty semaphore");
      const { value: got, early } = beforeTimeout(60_000, () => sem.acquire(60_000));
      rule(got === true, "acquire(timeout) must return true when a permit is released in time");
      rule(early, "acquire(60000) returned only when its 60 s ran out: the release never woke it (a lost wakeup)");
    },
  ],
  arbiter: staysEmpty,
  repetitions: 30,
});

/** tryAcquire() and acquire(0) never block: false on an empty semaphore, true when a permit is free. */
export const tryAcquireNeverBlocks = scenario<Empty>({
  state: empty,
  actors: [
    ({ sem }, ctx: ActorContext) => {
      const sleepsBefore = ctx.sleeps();
      ctx.at("tryAcquire() of an empty semaphore");
      rule(sem.tryAcquire() === false, "tryAcquire() returned true on a semaphore with no permit");
      rule(ctx.sleeps() === sleepsBefore, "tryAcquire() went to sleep: it must never block");
      ctx.at("acquire(0) of an empty semaphore");
      rule(sem.acquire(0) === false, "acquire(0) returned true on a semaphore with no permit");
      ctx.at("release()");
      sem.release();
      ctx.at("tryAcquire() with one permit free");
      rule(sem.tryAcquire() === true, "tryAcquire() must return true when a permit is free");
      rule(
        sem.tryAcquire() === false,
        "a second tryAcquire() returned true: release() gave one permit, and it was taken",
      );
      sem.release();
      ctx.at("acquire(0) with one permit free");
      rule(sem.acquire(0) === true, "acquire(0) must return true when a permit is free");
      rule(
        ctx.sleeps() === sleepsBefore,
        "tryAcquire() or acquire(0) went to sleep with a permit free, or on an empty semaphore",
      );
    },
  ],
  arbiter: staysEmpty,
  repetitions: 5,
});

// ---------------------------------------------------------------------------------------------
// The rules of the constructor and release(), and BoundedSemaphore.

/** Semaphores made with `new Semaphore(...)`, as a learner would make them. */
export const semaphoreRules = scenario<undefined>({
  state: () => undefined,
  actors: [
    (_, ctx) => {
      ctx.at("new Semaphore(-1)");
      rule(
        throwsError(() => new Semaphore(-1), RangeError),
        "new Semaphore(-1) must throw a RangeError that says why (Python: ValueError: semaphore initial value must be >= 0)",
      );
      rule(
        throwsError(() => new Semaphore(1.5), RangeError),
        "new Semaphore(1.5) must throw a RangeError that says why: a semaphore counts whole permits",
      );

      ctx.at("new Semaphore(0), tryAcquire() and release()");
      const none = new Semaphore(0);
      rule(freePermits(none, 1) === 0, "new Semaphore(0) must start with no permit: tryAcquire() must fail");
      none.release();
      rule(freePermits(none, 2) === 1, "release() of a Semaphore(0) must give it 1 permit");

      ctx.at("new Semaphore() and tryAcquire()");
      const one = new Semaphore();
      rule(
        freePermits(one, 1) === 1,
        "new Semaphore() must start with 1 permit: tryAcquire() must succeed once, then fail",
      );

      ctx.at("new Semaphore(3) and tryAcquire()");
      const three = new Semaphore(3);
      rule(
        freePermits(three, 3) === 3,
        "new Semaphore(3) must start with 3 permits: tryAcquire() must succeed 3 times, then fail",
      );

      ctx.at("release(0)");
      rule(
        throwsError(() => three.release(0), RangeError),
        "release(0) must throw a RangeError that says why (Python: ValueError: n must be one or more)",
      );
      rule(
        throwsError(() => three.release(-1), RangeError),
        "release(-1) must throw a RangeError that says why (Python: ValueError: n must be one or more)",
      );
      rule(
        throwsError(() => three.release(1.5), RangeError),
        "release(1.5) must throw a RangeError that says why: n is a whole number of permits (Python: TypeError)",
      );
      rule(
        freePermits(three, 3) === 3,
        "a release(0), release(-1) or release(1.5) that throws must not change the semaphore",
      );

      ctx.at("release(2) of a full Semaphore");
      three.release(2);
      rule(
        freePermits(three, 5) === 5,
        "a Semaphore (not bounded) may be released above its initial value: 3 + release(2) must give 5 permits",
      );

      ctx.at("acquire() with permits free");
      rule(three.acquire() === true, "acquire() with permits free must return true");
      rule(freePermits(three, 4) === 4, "acquire() must take exactly one permit");
    },
  ],
  repetitions: 3,
});

export const boundedRules = scenario<undefined>({
  state: () => undefined,
  actors: [
    (_, ctx) => {
      ctx.at("new BoundedSemaphore(2)");
      const sem = new BoundedSemaphore(2);
      rule(sem instanceof Semaphore, "BoundedSemaphore must extend Semaphore");
      rule(freePermits(sem, 2) === 2, "new BoundedSemaphore(2) must start with 2 permits");

      ctx.at("release() of a full BoundedSemaphore");
      rule(
        throwsError(() => sem.release(), RangeError),
        "release() of a full BoundedSemaphore must throw a RangeError that says why (Python: ValueError: Semaphore released too many times)",
      );
      rule(
        freePermits(sem, 2) === 2,
        "a release() that throws must not change the semaphore: 2 permits should still be free",
      );

      ctx.at("acquire() twice, then release(3)");
      sem.acquire();
      sem.acquire();
      rule(freePermits(sem, 2) === 0, "after two acquire() on a BoundedSemaphore(2), no permit should be free");
      rule(
        throwsError(() => sem.release(3), RangeError),
        "release(3) with 2 permits out must throw a RangeError that says why: it would raise the value above 2",
      );
      rule(
        freePermits(sem, 2) === 0,
        "a release(3) that throws must not change the semaphore: no permit should be free",
      );

      ctx.at("release(2) with 2 permits out");
      sem.release(2);
      rule(freePermits(sem, 2) === 2, "release(2) with 2 permits out must give both back");

      ctx.at("acquire(), then release(2)");
      sem.acquire();
      rule(
        throwsError(() => sem.release(2), RangeError),
        "release(2) with 1 permit out must throw a RangeError that says why: it would raise the value above 2",
      );
      rule(
        freePermits(sem, 2) === 1,
        "a release(2) that throws must not change the semaphore: 1 permit should still be free",
      );
      ctx.at("release() with 1 permit out");
      sem.release();
      rule(freePermits(sem, 2) === 2, "release() with 1 permit out must give it back");

      ctx.at("release(0)");
      rule(
        throwsError(() => sem.release(0), RangeError),
        "release(0) must throw a RangeError that says why (Python: ValueError: n must be one or more)",
      );
    },
  ],
  repetitions: 3,
});
