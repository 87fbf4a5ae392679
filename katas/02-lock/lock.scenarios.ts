// The Lock kata's scenarios. They run inside worker threads (see harness/scenario.ts).

import { Lock } from "#kata/02-lock/lock.ts";
import { acceptable, crowd, forbidden, rule, scenario, type ActorContext } from "#threadkata/scenario.ts";

interface Shared {
  lock: Lock;
  counter: Int32Array;
  flags: Int32Array;
  inside: ReturnType<import("#threadkata/scenario.ts").SharedMemory["overlap"]>;
}

const shared = scenario<Shared>({
  state: (memory) => ({ lock: new Lock(memory.int32(Lock.WORDS)), counter: memory.int32(1), flags: memory.int32(4), inside: memory.overlap() }),
  actors: [],
});

function state(memory: Parameters<typeof shared.state>[0]): Shared {
  return shared.state(memory, undefined);
}

function resetShared({ counter, flags, inside }: Shared): void {
  Atomics.store(counter, 0, 0);
  flags.fill(0);
  inside.reset();
}

/** A read-modify-write that is not atomic: only the lock keeps two threads out of it together. */
function criticalSection({ counter, inside }: Shared, ctx: ActorContext): void {
  inside.enter();
  const seen = Atomics.load(counter, 0);
  ctx.pause(1);
  Atomics.store(counter, 0, seen + 1);
  inside.leave();
}

const rounds = 300;

function worker({ lock, ...rest }: Shared, ctx: ActorContext): void {
  for (let i = 0; i < rounds; i++) {
    ctx.at("acquire()");
    lock.acquire();
    criticalSection({ lock, ...rest }, ctx);
    ctx.at("release()");
    lock.release();
  }
}

function judgeCounter(expected: number) {
  return ({ counter, inside }: Shared) => {
    const got = Atomics.load(counter, 0);
    if (inside.most > 1) {
      return forbidden(`${inside.most} inside`, `mutual exclusion broken: ${inside.most} threads were inside the critical section at once (counter ${got} of ${expected})`);
    }
    if (got !== expected) return forbidden(got, `lost updates: expected ${expected}, got ${got}`);
    return acceptable(got);
  };
}

/** Two threads, many acquisitions each, a racy read-modify-write under the lock. */
export const mutualExclusion = scenario<Shared>({
  state,
  reset: resetShared,
  actors: crowd(2, worker),
  arbiter: judgeCounter(2 * rounds),
  repetitions: 100,
});

/** More threads than cores: waiters must sleep and every one of them must be woken. */
export const everyWaiterGetsIn = scenario<Shared>({
  state,
  reset: resetShared,
  actors: crowd(4, worker),
  arbiter: judgeCounter(4 * rounds),
  repetitions: 40,
});

/** While actor 0 holds the lock, actor 1's acquire() must block (sleep), and return once released. */
export const acquireBlocks = scenario<Shared>({
  state,
  reset: resetShared,
  actors: [
    ({ lock, flags }, ctx) => {
      ctx.at("acquire()");
      rule(lock.acquire() === true, "acquire() of a free lock must return true");
      Atomics.store(flags, 0, 1);
      ctx.untilAsleep(1);
      rule(Atomics.load(flags, 1) === 0, "acquire() returned while another thread held the lock");
      rule(lock.locked(), "locked() must be true while a thread holds the lock");
      ctx.at("release()");
      lock.release();
    },
    ({ lock, flags }, ctx) => {
      ctx.until(() => Atomics.load(flags, 0) === 1, "actor 0 holds the lock");
      ctx.at("acquire() of a held lock");
      rule(lock.acquire() === true, "acquire() without a timeout must return true once it has the lock");
      Atomics.store(flags, 1, 1);
      ctx.at("release()");
      lock.release();
    },
  ],
  arbiter: ({ lock, flags }) =>
    Atomics.load(flags, 1) === 1 && !lock.locked() ? acceptable("handed over") : forbidden("stuck", "the lock was not handed over"),
  repetitions: 50,
});

const shortTimeout = 15;

/** acquire(timeout) on a held lock returns false when the timeout expires, never before. */
export const acquireTimesOut = scenario<Shared>({
  state,
  reset: resetShared,
  actors: [
    ({ lock, flags }, ctx) => {
      ctx.at("acquire()");
      lock.acquire();
      Atomics.store(flags, 0, 1);
      ctx.until(() => Atomics.load(flags, 1) === 1, "actor 1's acquire(timeout) returned");
      ctx.at("release()");
      lock.release();
    },
    ({ lock, flags }, ctx) => {
      ctx.until(() => Atomics.load(flags, 0) === 1, "actor 0 holds the lock");
      ctx.at(`acquire(${shortTimeout}) of a held lock`);
      const started = performance.now();
      const got = lock.acquire(shortTimeout);
      const waited = performance.now() - started;
      rule(got === false, `acquire(${shortTimeout}) returned true while another thread held the lock`);
      rule(waited >= shortTimeout, `acquire(${shortTimeout}) gave up after ${waited.toFixed(2)} ms: it must wait the whole timeout`);
      Atomics.store(flags, 1, 1);
    },
  ],
  repetitions: 10,
});

/** acquire(timeout) succeeds when the lock comes free in time, and the waiter slept meanwhile. */
export const acquireWithTimeoutSucceeds = scenario<Shared>({
  state,
  reset: resetShared,
  actors: [
    ({ lock, flags }, ctx) => {
      ctx.at("acquire()");
      lock.acquire();
      Atomics.store(flags, 0, 1);
      ctx.untilAsleep(1);
      ctx.at("release()");
      lock.release();
    },
    ({ lock, flags }, ctx) => {
      ctx.until(() => Atomics.load(flags, 0) === 1, "actor 0 holds the lock");
      ctx.at("acquire(60000) of a held lock");
      rule(lock.acquire(60_000) === true, "acquire(timeout) must return true when the lock is released in time");
      ctx.at("release()");
      lock.release();
    },
  ],
  repetitions: 30,
});

/** tryAcquire() never blocks: false while held, true when free. */
export const tryAcquire = scenario<Shared>({
  state,
  reset: resetShared,
  actors: [
    ({ lock, flags }, ctx) => {
      ctx.at("acquire()");
      lock.acquire();
      Atomics.store(flags, 0, 1);
      ctx.until(() => Atomics.load(flags, 1) === 1, "actor 1's tryAcquire() returned");
      ctx.at("release()");
      lock.release();
      Atomics.store(flags, 2, 1);
    },
    ({ lock, flags }, ctx) => {
      ctx.until(() => Atomics.load(flags, 0) === 1, "actor 0 holds the lock");
      const sleepsBefore = ctx.sleeps();
      ctx.at("tryAcquire() of a held lock");
      rule(lock.tryAcquire() === false, "tryAcquire() returned true while another thread held the lock");
      rule(ctx.sleeps() === sleepsBefore, "tryAcquire() went to sleep: it must never block");
      Atomics.store(flags, 1, 1);
      ctx.until(() => Atomics.load(flags, 2) === 1, "actor 0 released the lock");
      ctx.at("tryAcquire() of a free lock");
      rule(lock.tryAcquire() === true, "tryAcquire() of a free lock must return true");
      rule(lock.locked(), "locked() must be true after tryAcquire() took the lock");
      ctx.at("release()");
      lock.release();
    },
  ],
  repetitions: 50,
});

function throws(call: () => void): boolean {
  try {
    call();
    return false;
  } catch {
    return true;
  }
}

/** locked() tells the truth, and releasing a lock that is not held throws (Python: RuntimeError). */
export const releaseRules = scenario<Shared>({
  state: (memory) => ({ ...state(memory), lock: new Lock() }),
  actors: [
    ({ lock }, ctx) => {
      ctx.at("locked() of a new lock");
      rule(lock.locked() === false, "a new Lock must be unlocked: locked() returned true");
      ctx.at("release() of a new lock");
      rule(throws(() => lock.release()), "release() of an unlocked lock must throw (Python: RuntimeError: release unlocked lock)");
      ctx.at("acquire()");
      rule(lock.acquire() === true, "acquire() of a free lock must return true");
      rule(lock.locked() === true, "locked() must be true while the lock is held");
      ctx.at("release()");
      lock.release();
      rule(lock.locked() === false, "locked() must be false after release()");
      ctx.at("second release()");
      rule(throws(() => lock.release()), "a second release() must throw: the lock is no longer held");
    },
  ],
  repetitions: 5,
});
