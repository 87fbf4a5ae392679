// The RLock kata's scenarios. They run inside worker threads (see harness/scenario.ts).

import { RLock } from "#kata/03-rlock/rlock.ts";
import {
  acceptable,
  beforeTimeout,
  crowd,
  forbidden,
  rule,
  scenario,
  throws,
  throwsError,
  type Actor,
  type ActorContext,
  type OverlapTracker,
  type SharedMemory,
} from "#threadkata/scenario.ts";

interface Shared {
  lock: RLock;
  counter: Int32Array;
  /** Hand-offs between the actors of one repetition, indexed by Flag. */
  flags: Int32Array;
  inside: OverlapTracker;
  /** Critical sections each actor went through, to know what the counter should say. */
  entries: Int32Array;
}

const Flag = { held: 0, answered: 1, released: 2, releasedOnce: 3, acquired: 4 } as const;

function state(memory: SharedMemory): Shared {
  return {
    lock: new RLock(memory.int32(RLock.WORDS)),
    counter: memory.int32(1),
    flags: memory.int32(5),
    inside: memory.overlap(),
    entries: memory.int32(4),
  };
}

function reset({ counter, flags, inside, entries }: Shared): void {
  Atomics.store(counter, 0, 0);
  flags.fill(0);
  entries.fill(0);
  inside.reset();
}

/** Whether `call` throws; a NotImplementedError goes on, so that a stub reads as one. */

/**
 * Actor 0 of the held-lock scenarios: takes the lock twice (nested), says so, and lets it go
 * (twice) only once actor 1 has answered (or, with "peer asleep", once actor 1 has blocked).
 * `whileHolding` runs just before the releases.
 */
function holder(
  releaseWhen: "peer answered" | "peer asleep",
  whileHolding?: (state: Shared) => void,
): Actor<Shared, undefined> {
  return (shared, ctx) => {
    const { lock, flags } = shared;
    ctx.at("acquire()");
    lock.acquire();
    ctx.at("nested acquire() by the owner");
    lock.acquire();
    Atomics.store(flags, Flag.held, 1);
    if (releaseWhen === "peer asleep") ctx.untilAsleep(1);
    else ctx.until(() => Atomics.load(flags, Flag.answered) === 1, "actor 1 answered");
    whileHolding?.(shared);
    ctx.at("nested release()");
    lock.release();
    ctx.at("release()");
    lock.release();
    Atomics.store(flags, Flag.released, 1);
  };
}

function untilHeld({ flags }: Shared, ctx: ActorContext): void {
  ctx.until(() => Atomics.load(flags, Flag.held) === 1, "actor 0 holds the lock");
}

/**
 * Acquires, and inside a non-atomic read-pause-write acquires and releases again (nested): only
 * the outer acquire keeps two threads out of the read-modify-write together.
 */
function enterAndLeave({ lock, counter, inside, entries }: Shared, ctx: ActorContext): void {
  ctx.at("acquire()");
  rule(
    lock.acquire() === true,
    "acquire() without a timeout returned false: it waits as long as it takes, and then returns true",
  );
  inside.enter();
  const seen = Atomics.load(counter, 0);
  ctx.at("nested acquire() by the owner");
  rule(lock.acquire() === true, "a nested acquire() by the owner returned false: the owner always gets the lock again");
  ctx.pause(1);
  ctx.at("nested release()");
  lock.release();
  Atomics.store(counter, 0, seen + 1);
  inside.leave();
  Atomics.add(entries, ctx.actor, 1);
  ctx.at("release()");
  lock.release();
}

function judgeCounter({ counter, inside, entries }: Shared) {
  const got = Atomics.load(counter, 0);
  const expected = entries.reduce((sum, n) => sum + n, 0);
  if (inside.most > 1) {
    return forbidden(
      `${inside.most} inside`,
      `mutual exclusion broken: ${inside.most} threads were inside the critical section at once (counter ${got} of ${expected})`,
    );
  }
  if (got !== expected) return forbidden(`lost ${expected - got}`, `lost updates: expected ${expected}, got ${got}`);
  return acceptable("exclusive");
}

/** The owner acquires again and again without blocking; as many releases free the lock for others. */
export const reentrancy = scenario<Shared>({
  state,
  reset,
  actors: [
    ({ lock, flags }, ctx) => {
      const sleepsBefore = ctx.sleeps();
      ctx.at("acquire()");
      rule(lock.acquire() === true, "acquire() of a free RLock must return true");
      ctx.at("second acquire() by the owner");
      rule(lock.acquire() === true, "acquire() by the thread that owns the RLock must return true");
      ctx.at("third acquire() by the owner");
      rule(lock.acquire() === true, "acquire() by the thread that owns the RLock must return true");
      rule(
        ctx.sleeps() === sleepsBefore,
        "a nested acquire() went to sleep: the owner must acquire again without waiting",
      );
      ctx.at("tryAcquire() by the owner");
      rule(
        lock.tryAcquire() === true,
        "tryAcquire() by the thread that owns the RLock must return true: the owner may always acquire again",
      );
      ctx.at("acquire(15) by the owner");
      rule(lock.acquire(15) === true, "acquire(15) by the thread that owns the RLock must return true at once");
      rule(
        ctx.sleeps() === sleepsBefore,
        "a nested tryAcquire() or acquire(timeout) went to sleep: the owner must acquire again without waiting",
      );
      for (let i = 1; i <= 5; i++) {
        ctx.at(`release() ${i} of 5`);
        lock.release();
      }
      rule(ctx.sleeps() === sleepsBefore, "release() went to sleep: it must never block");
      Atomics.store(flags, Flag.released, 1);
      ctx.at("release() after 5 acquires and 5 releases");
      rule(
        throws(() => lock.release()),
        "a sixth release() after five acquires must throw: this thread no longer owns the RLock",
      );
    },
    ({ lock, flags }, ctx) => {
      ctx.until(() => Atomics.load(flags, Flag.released) === 1, "actor 0 acquired 5 times and released 5 times");
      ctx.at("tryAcquire() after the owner released as often as it acquired");
      rule(
        lock.tryAcquire() === true,
        "after 5 acquires and 5 releases the RLock must be free, but another thread's tryAcquire() returned false",
      );
      ctx.at("release()");
      lock.release();
    },
  ],
  repetitions: 50,
});

/** Two acquires need two releases: after one, the lock is still held; after the second, a waiter gets in. */
export const releasesMatchAcquires = scenario<Shared>({
  state,
  reset,
  actors: [
    ({ lock, flags }, ctx) => {
      ctx.at("acquire()");
      lock.acquire();
      ctx.at("nested acquire() by the owner");
      lock.acquire();
      ctx.at("first of two release()");
      lock.release();
      Atomics.store(flags, Flag.releasedOnce, 1);
      ctx.untilAsleep(1);
      rule(
        Atomics.load(flags, Flag.acquired) === 0,
        "another thread's acquire() returned while the owner had released only once of twice",
      );
      ctx.at("second of two release()");
      lock.release();
      Atomics.store(flags, Flag.released, 1);
    },
    ({ lock, flags }, ctx) => {
      ctx.until(() => Atomics.load(flags, Flag.releasedOnce) === 1, "actor 0 acquired twice and released once");
      const sleepsBefore = ctx.sleeps();
      ctx.at("tryAcquire() while the owner still holds one of two acquires");
      rule(
        lock.tryAcquire() === false,
        "a thread acquired twice and released once, yet another thread's tryAcquire() returned true: the lock must stay held until releases match acquires",
      );
      rule(ctx.sleeps() === sleepsBefore, "tryAcquire() went to sleep: it must never block");
      ctx.at("acquire() while the owner still holds one of two acquires");
      rule(lock.acquire() === true, "acquire() without a timeout must return true once it has the lock");
      Atomics.store(flags, Flag.acquired, 1);
      ctx.at("release()");
      lock.release();
    },
  ],
  repetitions: 50,
});

/** Only the owner may release: another thread's release() throws and changes nothing. */
export const onlyTheOwnerReleases = scenario<Shared>({
  state,
  reset,
  actors: [
    ({ lock, flags }, ctx) => {
      ctx.at("acquire()");
      lock.acquire();
      Atomics.store(flags, Flag.held, 1);
      ctx.until(() => Atomics.load(flags, Flag.answered) === 1, "actor 1 answered");
      ctx.at("release() by the owner");
      rule(
        !throws(() => lock.release()),
        "the owner's release() threw after another thread's release() had been refused: a refused release() must change nothing",
      );
      Atomics.store(flags, Flag.released, 1);
    },
    (shared, ctx) => {
      const { lock, flags } = shared;
      untilHeld(shared, ctx);
      ctx.at("release() by a thread that does not own the lock");
      rule(
        throwsError(() => lock.release()),
        "release() by a thread that does not own the RLock must throw an Error that says what went wrong (Python: RuntimeError: cannot release un-acquired lock)",
      );
      ctx.at("tryAcquire() after a refused release()");
      rule(
        lock.tryAcquire() === false,
        "after another thread's refused release() the owner must still hold the RLock, but tryAcquire() returned true",
      );
      Atomics.store(flags, Flag.answered, 1);
      ctx.until(() => Atomics.load(flags, Flag.released) === 1, "actor 0 released the lock");
      ctx.at("tryAcquire() of a free lock");
      rule(lock.tryAcquire() === true, "tryAcquire() of a free RLock must return true");
      ctx.at("release()");
      lock.release();
    },
  ],
  repetitions: 50,
});

/** Releasing an RLock that nobody holds throws (Python: RuntimeError). */
export const releaseUnheldThrows = scenario<Shared>({
  // An RLock made with `new RLock()`, as a learner would make one.
  state: (memory) => ({ ...state(memory), lock: new RLock() }),
  actors: [
    ({ lock }, ctx) => {
      ctx.at("release() of a new RLock");
      rule(
        throwsError(() => lock.release()),
        "release() of an RLock nobody holds must throw an Error that says what went wrong (Python: RuntimeError: cannot release un-acquired lock)",
      );
      ctx.at("acquire()");
      rule(lock.acquire() === true, "acquire() of a free RLock must return true");
      ctx.at("release()");
      lock.release();
      ctx.at("second release()");
      rule(
        throws(() => lock.release()),
        "a second release() after one acquire() must throw: nobody holds the RLock any more",
      );
    },
  ],
  repetitions: 5,
});

/** Two threads taking turns for a while, a racy read-modify-write under nested acquires. */
export const mutualExclusion = scenario<Shared>({
  state,
  reset,
  actors: crowd(2, (shared, ctx) => void ctx.repeatTogether(500, () => enterAndLeave(shared, ctx))),
  arbiter: judgeCounter,
  repetitions: 100,
});

const rounds = 300;

/** More threads than cores, each entering `rounds` times: every waiter must be woken, every time. */
export const everyWaiterGetsIn = scenario<Shared>({
  state,
  reset,
  actors: crowd(4, (shared, ctx) => {
    for (let i = 0; i < rounds; i++) enterAndLeave(shared, ctx);
  }),
  arbiter: (shared) => {
    const entered = [...shared.entries.subarray(0, 4)];
    if (entered.some((n) => n !== rounds)) {
      return forbidden(
        entered.join("/"),
        `every actor should enter ${rounds} times; they entered ${entered.join(", ")}`,
      );
    }
    return judgeCounter(shared);
  },
  repetitions: 40,
});

/** The lock is free after each repetition: another thread can take it at once. Runs on actor 0's thread. */
function judgeFree({ lock, flags }: Shared) {
  if (Atomics.load(flags, Flag.answered) !== 1)
    return forbidden("not handed over", "the lock was not handed over to the waiting thread");
  if (!lock.tryAcquire()) return forbidden("still held", "the RLock is still held after every acquire was released");
  lock.release();
  return acceptable("handed over");
}

/** While actor 0 holds the lock, actor 1's acquire() must block (sleep), and return once released. */
export const acquireBlocks = scenario<Shared>({
  state,
  reset,
  actors: [
    holder("peer asleep", ({ flags }) => {
      rule(Atomics.load(flags, Flag.answered) === 0, "acquire() returned while another thread held the lock");
    }),
    (shared, ctx) => {
      untilHeld(shared, ctx);
      ctx.at("acquire() of a lock another thread holds");
      rule(shared.lock.acquire() === true, "acquire() without a timeout must return true once it has the lock");
      Atomics.store(shared.flags, Flag.answered, 1);
      ctx.at("release()");
      shared.lock.release();
    },
  ],
  arbiter: judgeFree,
  repetitions: 50,
});

const shortTimeout = 15;
/** "Not long after the timeout", generously: far above any scheduling delay, far below waiting on. */
const lateBound = 1_000;

/** acquire(timeout) on a held lock returns false when the timeout expires, never before, and owns nothing. */
export const acquireTimesOut = scenario<Shared>({
  state,
  reset,
  actors: [
    holder("peer answered"),
    (shared, ctx) => {
      untilHeld(shared, ctx);
      ctx.at(`acquire(${shortTimeout}) of a lock another thread holds`);
      const started = performance.now();
      const got = shared.lock.acquire(shortTimeout);
      const waited = performance.now() - started;
      rule(got === false, `acquire(${shortTimeout}) returned true while another thread held the lock`);
      rule(
        waited >= shortTimeout,
        `acquire(${shortTimeout}) gave up after ${waited.toFixed(2)} ms: it must wait the whole timeout`,
      );
      rule(
        waited < lateBound,
        `acquire(${shortTimeout}) gave up only after ${waited.toFixed(0)} ms: once the timeout has passed it must return false, not wait on`,
      );
      ctx.at("acquire(0) of a lock another thread holds");
      rule(
        shared.lock.acquire(0) === false,
        "acquire(0) of a lock another thread holds returned true: with no time to wait it must return false at once",
      );
      ctx.at(`release() after acquire(${shortTimeout}) timed out`);
      rule(
        throws(() => shared.lock.release()),
        `release() after acquire(${shortTimeout}) timed out must throw: a timed-out acquire does not make its thread the owner`,
      );
      Atomics.store(shared.flags, Flag.answered, 1);
    },
  ],
  repetitions: 10,
});

/** acquire(timeout) succeeds when the lock comes free in time, and the waiter slept meanwhile. */
export const acquireWithTimeoutSucceeds = scenario<Shared>({
  state,
  reset,
  actors: [
    holder("peer asleep"),
    (shared, ctx) => {
      untilHeld(shared, ctx);
      ctx.at("acquire(60000) of a lock another thread holds");
      const { value: got, early } = beforeTimeout(60_000, () => shared.lock.acquire(60_000));
      rule(got === true, "acquire(timeout) must return true when the lock is released in time");
      rule(early, "acquire(60000) returned only when its 60 s ran out: the release never woke it (a lost wakeup)");
      Atomics.store(shared.flags, Flag.answered, 1);
      ctx.at("release()");
      shared.lock.release();
    },
  ],
  arbiter: judgeFree,
  repetitions: 30,
});

/** tryAcquire() never blocks: false while another thread holds the lock, true when it is free. */
export const tryAcquire = scenario<Shared>({
  state,
  reset,
  actors: [
    holder("peer answered"),
    (shared, ctx) => {
      const { lock, flags } = shared;
      untilHeld(shared, ctx);
      const sleepsBefore = ctx.sleeps();
      ctx.at("tryAcquire() of a lock another thread holds");
      rule(lock.tryAcquire() === false, "tryAcquire() returned true while another thread held the lock");
      rule(ctx.sleeps() === sleepsBefore, "tryAcquire() went to sleep: it must never block");
      Atomics.store(flags, Flag.answered, 1);
      ctx.until(() => Atomics.load(flags, Flag.released) === 1, "actor 0 released the lock");
      ctx.at("tryAcquire() of a free lock");
      rule(lock.tryAcquire() === true, "tryAcquire() of a free RLock must return true");
      ctx.at("release()");
      lock.release();
    },
  ],
  arbiter: judgeFree,
  repetitions: 50,
});
