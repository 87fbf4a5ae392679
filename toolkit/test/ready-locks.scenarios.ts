// The ready locks (the fair TicketLock, the fast BargingLock) are code the katas trust, so they
// are proven like a kata's reference: the same scenarios for both, and for each, a sleeper woken.

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
import { BargingLock } from "#toolkit/barging-lock.ts";
import { TicketLock } from "#toolkit/ticket-lock.ts";

type ReadyLock = TicketLock | BargingLock;

interface ReadyLockClass {
  readonly WORDS: number;
  readonly name: string;
  new (memory: Int32Array): ReadyLock;
}

interface Shared {
  lock: ReadyLock;
  counter: Int32Array;
  inside: OverlapTracker;
}

function scenariosOf(Lock: ReadyLockClass) {
  const state = (memory: SharedMemory): Shared => ({
    lock: new Lock(memory.int32(Lock.WORDS)),
    counter: memory.int32(2),
    inside: memory.overlap(),
  });

  function reset({ lock, counter, inside }: Shared): void {
    lock.memory.fill(0);
    counter.fill(0);
    inside.reset();
  }

  /** Four threads take the lock over and over at once: one inside at a time, no update lost. */
  const mutualExclusion = scenario<Shared>({
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
  const ownership = scenario<Shared>({
    state,
    reset,
    actors: [
      ({ lock }, ctx) => {
        ctx.at("release() of a free lock");
        rule(
          throws(() => lock.release()),
          `release() of a free ${Lock.name} must throw`,
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
  const tryAcquire = scenario<Shared>({
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

  /**
   * A sleeper is woken: a thread that wants the held lock is seen asleep, and gets the lock once the
   * holder lets go (a release that loses the wake-up leaves it asleep, and the deadline fails it).
   */
  const sleeperWoken = scenario<Shared>({
    state,
    reset,
    actors: [
      ({ lock, counter }, ctx) => {
        lock.acquire();
        Atomics.store(counter, 0, 1);
        ctx.untilAsleep(1);
        lock.release();
      },
      ({ lock, counter }, ctx) => {
        ctx.until(() => Atomics.load(counter, 0) === 1, "actor 0 holds the lock");
        ctx.at("acquire() of a held lock, then the holder releases it");
        lock.acquire();
        rule(lock.isOwned(), "acquire() returned but the lock is not owned by this thread");
        lock.release();
      },
    ],
    arbiter: ({ lock }) =>
      lock.locked() ? forbidden("left locked", "the lock is still held after every release") : acceptable("woken"),
    repetitions: 20,
  });

  return { mutualExclusion, ownership, tryAcquire, sleeperWoken };
}

const ticket = scenariosOf(TicketLock);
const barging = scenariosOf(BargingLock);

export const ticketMutualExclusion = ticket.mutualExclusion;
export const ticketOwnership = ticket.ownership;
export const ticketTryAcquire = ticket.tryAcquire;
export const ticketSleeperWoken = ticket.sleeperWoken;
export const bargingMutualExclusion = barging.mutualExclusion;
export const bargingOwnership = barging.ownership;
export const bargingTryAcquire = barging.tryAcquire;
export const bargingSleeperWoken = barging.sleeperWoken;
