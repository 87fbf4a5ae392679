// The ready TicketLock is code the katas trust, so it is proven like a kata's reference.

import {
  acceptable,
  forbidden,
  rule,
  scenario,
  throws,
  type ActorContext,
  type OverlapTracker,
  type SharedMemory,
} from "#threadkata/scenario.ts";
import { TicketLock } from "#toolkit/ticket-lock.ts";

interface Shared {
  lock: TicketLock;
  counter: Int32Array;
  inside: OverlapTracker;
}

function state(memory: SharedMemory): Shared {
  return { lock: new TicketLock(memory.int32(TicketLock.WORDS)), counter: memory.int32(2), inside: memory.overlap() };
}

function reset({ lock, counter, inside }: Shared): void {
  lock.memory.fill(0);
  counter.fill(0);
  inside.reset();
}

/** Four threads take the lock over and over at once: one inside at a time, no update lost. */
export const mutualExclusion = scenario<Shared>({
  state,
  reset,
  actors: Array.from({ length: 4 }, () => ({ lock, counter, inside }: Shared, ctx: ActorContext) => {
    ctx.at("acquire()");
    const calls = ctx.repeatTogether(1_000, () => {
      lock.acquire();
      inside.enter();
      // A read and a write, apart: only the lock keeps them whole.
      const seen = Atomics.load(counter, 0);
      Atomics.store(counter, 0, seen + 1);
      inside.leave();
      lock.release();
    });
    Atomics.add(counter, 1, calls);
  }),
  arbiter: ({ lock, counter, inside }) => {
    if (inside.most > 1) return forbidden(`${inside.most} inside`, "two threads held the lock at once");
    if (Atomics.load(counter, 0) !== Atomics.load(counter, 1))
      return forbidden("lost update", `expected ${Atomics.load(counter, 1)}, got ${Atomics.load(counter, 0)}`);
    return lock.locked()
      ? forbidden("left locked", "the lock is still held after every release")
      : acceptable("exclusive");
  },
  repetitions: 30,
});

/** Ownership: only the holder may release, and isOwned() says who holds it. */
export const ownership = scenario<Shared>({
  state,
  reset,
  actors: [
    ({ lock }, ctx) => {
      ctx.at("release() of a free lock");
      rule(
        throws(() => lock.release()),
        "release() of a free TicketLock must throw",
      );
      lock.acquire();
      rule(lock.isOwned() && lock.locked(), "after acquire(), the lock is held and owned by this thread");
      lock.release();
      rule(!lock.isOwned() && !lock.locked(), "after release(), the lock is free");
    },
  ],
  repetitions: 5,
});

/**
 * tryAcquire(): false at once while another thread holds the lock, without sleeping; then, with
 * two threads trying at the same instant on a free lock (ctx.meet), exactly one wins.
 */
export const tryAcquire = scenario<Shared>({
  state,
  reset,
  actors: Array.from({ length: 2 }, () => ({ lock, counter, inside }: Shared, ctx: ActorContext) => {
    if (ctx.actor === 0) {
      lock.acquire();
      Atomics.store(counter, 0, 1);
      ctx.until(() => Atomics.load(counter, 1) === 1, "actor 1 tried the held lock");
      lock.release();
      Atomics.store(counter, 0, 2);
    } else {
      ctx.until(() => Atomics.load(counter, 0) === 1, "actor 0 holds the lock");
      const sleeps = ctx.sleeps();
      ctx.at("tryAcquire() of a held lock");
      rule(!lock.tryAcquire(), "tryAcquire() returned true while another thread held the lock");
      rule(ctx.sleeps() === sleeps, "tryAcquire() went to sleep: it must never block");
      Atomics.store(counter, 1, 1);
      ctx.until(() => Atomics.load(counter, 0) === 2, "actor 0 released the lock");
    }
    for (let round = 0; round < 100; round++) {
      ctx.meet();
      ctx.at("tryAcquire() of a free lock, at the same instant as the other thread");
      const won = lock.tryAcquire();
      if (won) inside.enter();
      ctx.meet();
      rule(inside.most === 1, `${inside.most} threads won tryAcquire() of one free lock at once (round ${round})`);
      ctx.meet();
      if (won) {
        rule(lock.isOwned(), "tryAcquire() returned true but the lock is not owned by this thread");
        inside.leave();
        lock.release();
      }
      ctx.meet();
      if (ctx.actor === 0) inside.reset();
      ctx.meet();
    }
  }),
  arbiter: ({ lock }) =>
    lock.locked() ? forbidden("left locked", "the lock is still held after every release") : acceptable("one winner"),
  repetitions: 20,
});
