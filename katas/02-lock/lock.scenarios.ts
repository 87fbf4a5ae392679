// The Lock kata's scenarios. They run inside worker threads (see harness/scenario.ts).

import { Lock } from "#kata/02-lock/lock.ts";
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
  lock: Lock;
  counter: Int32Array;
  /** Hand-offs between the actors of one repetition, indexed by Flag. */
  flags: Int32Array;
  inside: OverlapTracker;
  /** Critical sections each actor went through, to know what the counter should say. */
  entries: Int32Array;
}

const Flag = { held: 0, answered: 1, released: 2 } as const;

function state(memory: SharedMemory): Shared {
  return {
    lock: new Lock(memory.int32(Lock.WORDS)),
    counter: memory.int32(1),
    flags: memory.int32(3),
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

/**
 * Actor 0 of the held-lock scenarios: takes the lock, says so, and lets it go only once actor 1
 * has answered (or, with "peer asleep", once actor 1 has blocked). `whileHolding` runs just before
 * the release.
 */
function holder(
  releaseWhen: "peer answered" | "peer asleep",
  whileHolding?: (state: Shared) => void,
): Actor<Shared, undefined> {
  return (shared, ctx) => {
    const { lock, flags } = shared;
    ctx.at("acquire()");
    lock.acquire();
    Atomics.store(flags, Flag.held, 1);
    if (releaseWhen === "peer asleep") ctx.untilAsleep(1);
    else ctx.until(() => Atomics.load(flags, Flag.answered) === 1, "actor 1 answered");
    whileHolding?.(shared);
    ctx.at("release()");
    lock.release();
    Atomics.store(flags, Flag.released, 1);
  };
}

function untilHeld({ flags }: Shared, ctx: ActorContext): void {
  ctx.until(() => Atomics.load(flags, Flag.held) === 1, "actor 0 holds the lock");
}

/** A read-modify-write that is not atomic: only the lock keeps two threads out of it together. */
function criticalSection({ counter, inside }: Shared, ctx: ActorContext): void {
  inside.enter();
  const seen = Atomics.load(counter, 0);
  ctx.pause(1);
  Atomics.store(counter, 0, seen + 1);
  inside.leave();
}

function enterAndLeave(shared: Shared, ctx: ActorContext): void {
  ctx.at("acquire()");
  rule(
    shared.lock.acquire() === true,
    "acquire() without a timeout returned false: it waits as long as it takes, and then returns true",
  );
  criticalSection(shared, ctx);
  Atomics.add(shared.entries, ctx.actor, 1);
  ctx.at("release()");
  shared.lock.release();
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

/** Two threads taking turns for a while, a racy read-modify-write under the lock. */
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

/** While actor 0 holds the lock, actor 1's acquire() must block (sleep), and return once released. */
export const acquireBlocks = scenario<Shared>({
  state,
  reset,
  actors: [
    holder("peer asleep", ({ lock, flags }) => {
      rule(Atomics.load(flags, Flag.answered) === 0, "acquire() returned while another thread held the lock");
      rule(lock.locked(), "locked() must be true while a thread holds the lock");
    }),
    (shared, ctx) => {
      untilHeld(shared, ctx);
      ctx.at("acquire() of a held lock");
      rule(shared.lock.acquire() === true, "acquire() without a timeout must return true once it has the lock");
      Atomics.store(shared.flags, Flag.answered, 1);
      ctx.at("release()");
      shared.lock.release();
    },
  ],
  arbiter: ({ lock, flags }) =>
    Atomics.load(flags, Flag.answered) === 1 && !lock.locked()
      ? acceptable("handed over")
      : forbidden("not handed over", "the lock was not handed over to the waiting thread"),
  repetitions: 50,
});

const shortTimeout = 15;
/** "Not long after the timeout", generously: far above any scheduling delay, far below waiting on. */
const lateBound = 1_000;

/** acquire(timeout) on a held lock returns false when the timeout expires, never before. */
export const acquireTimesOut = scenario<Shared>({
  state,
  reset,
  actors: [
    holder("peer answered"),
    (shared, ctx) => {
      untilHeld(shared, ctx);
      ctx.at(`acquire(${shortTimeout}) of a held lock`);
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
      ctx.at("acquire(0) of a held lock");
      rule(
        shared.lock.acquire(0) === false,
        "acquire(0) of a held lock returned true: with no time to wait it must return false at once",
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
      ctx.at("acquire(60000) of a held lock");
      const { value: got, early } = beforeTimeout(60_000, () => shared.lock.acquire(60_000));
      rule(got === true, "acquire(timeout) must return true when the lock is released in time");
      rule(early, "acquire(60000) returned only when its 60 s ran out: the release never woke it (a lost wakeup)");
      ctx.at("release()");
      shared.lock.release();
    },
  ],
  repetitions: 30,
});

/** tryAcquire() never blocks: false while held, true when free. */
export const tryAcquire = scenario<Shared>({
  state,
  reset,
  actors: [
    holder("peer answered"),
    (shared, ctx) => {
      const { lock, flags } = shared;
      untilHeld(shared, ctx);
      const sleepsBefore = ctx.sleeps();
      ctx.at("tryAcquire() of a held lock");
      rule(lock.tryAcquire() === false, "tryAcquire() returned true while another thread held the lock");
      rule(ctx.sleeps() === sleepsBefore, "tryAcquire() went to sleep: it must never block");
      Atomics.store(flags, Flag.answered, 1);
      ctx.until(() => Atomics.load(flags, Flag.released) === 1, "actor 0 released the lock");
      ctx.at("tryAcquire() of a free lock");
      rule(lock.tryAcquire() === true, "tryAcquire() of a free lock must return true");
      rule(lock.locked(), "locked() must be true after tryAcquire() took the lock");
      ctx.at("release()");
      lock.release();
      ctx.at("acquire(0) of a free lock");
      rule(lock.acquire(0) === true, "acquire(0) of a free lock must return true: it takes the lock without waiting");
      rule(lock.locked(), "locked() must be true after acquire(0) took the lock");
      ctx.at("release()");
      lock.release();
    },
  ],
  repetitions: 50,
});

const races = 100;

/**
 * Over and over, two threads meet and call tryAcquire() on a free lock at the same instant:
 * exactly one of them may get it each time.
 */
export const tryAcquireRace = scenario<Shared>({
  state,
  reset,
  actors: crowd(2, ({ lock, counter, entries }, ctx) => {
    for (let race = 0; race < races; race++) {
      ctx.meet();
      ctx.at("tryAcquire() of a free lock, in two threads at once");
      if (lock.tryAcquire()) Atomics.add(counter, 0, 1);
      ctx.meet();
      if (ctx.actor === 0) {
        const winners = Atomics.exchange(counter, 0, 0);
        if (winners !== 1) Atomics.add(entries, winners === 0 ? 0 : 1, 1);
        lock.memory.fill(0); // fresh memory is a free lock (see lock.ts); the next meet() publishes it
      }
    }
  }),
  arbiter: ({ entries }) => {
    const [neither, both] = [Atomics.load(entries, 0), Atomics.load(entries, 1)];
    if (both > 0)
      return forbidden(
        "both got it",
        `two threads took the lock at once: tryAcquire() returned true in both (${both} of ${races} races)`,
      );
    if (neither > 0)
      return forbidden(
        "neither got it",
        `tryAcquire() of a free lock returned false in both threads (${neither} of ${races} races)`,
      );
    return acceptable("one got it every time");
  },
  repetitions: 50,
});

/** locked() tells the truth, and releasing a lock that is not held throws (Python: RuntimeError). */
export const releaseRules = scenario<Shared>({
  // A lock made with `new Lock()`, as a learner would make one.
  state: (memory) => ({ ...state(memory), lock: new Lock() }),
  actors: [
    ({ lock }, ctx) => {
      ctx.at("locked() of a new lock");
      rule(lock.locked() === false, "a new Lock must be unlocked: locked() returned true");
      ctx.at("release() of a new lock");
      rule(
        throwsError(() => lock.release()),
        "release() of an unlocked lock must throw an Error that says what went wrong (Python: RuntimeError: release unlocked lock)",
      );
      ctx.at("acquire()");
      rule(lock.acquire() === true, "acquire() of a free lock must return true");
      rule(lock.locked() === true, "locked() must be true while the lock is held");
      ctx.at("release()");
      lock.release();
      rule(lock.locked() === false, "locked() must be false after release()");
      ctx.at("second release()");
      rule(
        throws(() => lock.release()),
        "a second release() must throw: the lock is no longer held",
      );
    },
  ],
  repetitions: 5,
});

/**
 * Any thread may release a Lock, not only the one that took it (Python's Lock, unlike RLock): one
 * thread takes it, another releases it, and a third way in (tryAcquire() on the first thread) works.
 */
export const releaseByAnotherThread = scenario<Shared>({
  state,
  reset,
  actors: [
    (shared, ctx) => {
      const { lock, flags } = shared;
      ctx.at("acquire()");
      rule(lock.acquire() === true, "acquire() of a free lock must return true");
      Atomics.store(flags, Flag.held, 1);
      ctx.until(() => Atomics.load(flags, Flag.released) === 1, "actor 1 released the lock");
      rule(!lock.locked(), "locked() must be false after another thread released the lock");
      ctx.at("tryAcquire() after another thread released the lock");
      rule(
        lock.tryAcquire() === true,
        "the lock taken here and released by another thread must be free again: tryAcquire() returned false",
      );
      ctx.at("release()");
      lock.release();
    },
    (shared, ctx) => {
      untilHeld(shared, ctx);
      ctx.at("release() of a lock another thread took");
      rule(
        !throws(() => shared.lock.release()),
        "release() of a lock another thread took threw: any thread may release a Lock (only an RLock has an owner)",
      );
      Atomics.store(shared.flags, Flag.released, 1);
    },
  ],
  repetitions: 20,
});
