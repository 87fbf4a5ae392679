// The racy-counter kata's scenarios. They run inside worker threads (see harness/scenario.ts).

import { increment, withdraw } from "#kata/01-racy-counter/counter.ts";
import { acceptable, crowd, forbidden, rule, scenario, type OverlapTracker } from "#threadkata/scenario.ts";

/** How long the actors run side by side in each repetition. */
const overlapMicros = 300;

/** Two threads count on one shared counter: Python's `counter += 1` in two threads. */
export const countTogether = scenario<{ counter: Int32Array; calls: Int32Array }>({
  state: (memory) => ({ counter: memory.int32(1), calls: memory.int32(2) }),
  reset: ({ counter }) => Atomics.store(counter, 0, 0),
  actors: crowd(2, ({ counter, calls }, ctx) => {
    ctx.at("increment()");
    Atomics.store(
      calls,
      ctx.actor,
      ctx.repeatTogether(overlapMicros, () => increment(counter)),
    );
  }),
  arbiter: ({ counter, calls }) => {
    const got = Atomics.load(counter, 0);
    const expected = Atomics.load(calls, 0) + Atomics.load(calls, 1);
    return got === expected
      ? acceptable("no update lost")
      : forbidden(`lost ${expected - got}`, `lost updates: expected ${expected}, got ${got}`);
  },
  repetitions: 50,
});

interface Account {
  balance: Int32Array;
  /** Coins handed out and not yet paid back: never more than the account held. */
  cash: OverlapTracker;
  /** The lowest balance any thread saw. */
  lowest: Int32Array;
}

function account(memory: import("#threadkata/scenario.ts").SharedMemory): Account {
  return { balance: memory.int32(1), cash: memory.overlap(), lowest: memory.int32(1) };
}

function watchLowest({ balance, lowest }: Account): void {
  const now = Atomics.load(balance, 0);
  for (let low = Atomics.load(lowest, 0); now < low;) {
    const seen = Atomics.compareExchange(lowest, 0, low, now);
    if (seen === low) break;
    low = seen;
  }
}

/**
 * One coin in the account, two cash machines taking it out and paying it back, over and over.
 * Whoever gets the coin holds it alone: the account is never overdrawn.
 */
export const lastCoin = scenario<Account>({
  state: account,
  reset: ({ balance, cash, lowest }) => {
    Atomics.store(balance, 0, 1);
    Atomics.store(lowest, 0, 1);
    cash.reset();
  },
  actors: crowd(2, (accountState, ctx) => {
    const { balance, cash } = accountState;
    ctx.at("withdraw(1)");
    ctx.repeatTogether(overlapMicros, () => {
      if (withdraw(balance, 1)) {
        cash.enter();
        // While this machine holds the coin, the balance is 0: it looks a few times to make sure.
        for (let look = 0; look < 8; look++) watchLowest(accountState);
        cash.leave();
        Atomics.add(balance, 0, 1); // pay the coin back
      } else {
        watchLowest(accountState);
      }
    });
  }),
  arbiter: ({ balance, cash, lowest }) => {
    if (cash.most > 1) {
      return forbidden(
        `${cash.most} coins out`,
        `overdrawn: ${cash.most} withdrawals of the last coin succeeded at once (the balance went to ${Atomics.load(lowest, 0)})`,
      );
    }
    if (Atomics.load(lowest, 0) < 0)
      return forbidden(
        `low ${Atomics.load(lowest, 0)}`,
        `overdrawn: the balance went down to ${Atomics.load(lowest, 0)}`,
      );
    const final = Atomics.load(balance, 0);
    return final === 1
      ? acceptable("never overdrawn")
      : forbidden(`final ${final}`, `the balance should end at 1, got ${final}`);
  },
  // On a crowded machine (two other test runs on 2 cores) 50 repetitions let the race slip by once.
  repetitions: 200,
});

const plenty = 1_000_000_000;

/** Enough money for every withdrawal: not one may be refused, and every coin taken is accounted for. */
export const everyWithdrawalFits = scenario<Account & { calls: Int32Array }>({
  state: (memory) => ({ ...account(memory), calls: memory.int32(2) }),
  reset: ({ balance }) => Atomics.store(balance, 0, plenty),
  actors: crowd(2, ({ balance, calls }, ctx) => {
    ctx.at("withdraw(1)");
    const made = ctx.repeatTogether(overlapMicros, () => {
      if (!withdraw(balance, 1)) {
        rule(
          false,
          `withdraw(1) was refused with ${Atomics.load(balance, 0)} in the account: a withdrawal that fits must succeed`,
        );
      }
    });
    Atomics.store(calls, ctx.actor, made);
  }),
  arbiter: ({ balance, calls }) => {
    const taken = Atomics.load(calls, 0) + Atomics.load(calls, 1);
    const final = Atomics.load(balance, 0);
    return final === plenty - taken
      ? acceptable("all accounted for")
      : forbidden(
          `off by ${plenty - taken - final}`,
          `${taken} withdrawals of 1 from ${plenty} should leave ${plenty - taken}, got ${final}`,
        );
  },
  repetitions: 50,
});

/**
 * The edges of "if the balance holds at least that much": two threads share an account of 2. A
 * withdrawal of 3 is refused and takes nothing; then each takes 1, so one of them takes exactly what
 * is left (that fits, and must succeed); then the empty account refuses both.
 */
export const exactFit = scenario<{ balance: Int32Array }>({
  state: (memory) => ({ balance: memory.int32(1) }),
  reset: ({ balance }) => Atomics.store(balance, 0, 2),
  actors: crowd(2, ({ balance }, ctx) => {
    ctx.meet();
    ctx.at("withdraw(3) with 2 in the account");
    rule(
      withdraw(balance, 3) === false,
      "withdraw(3) with 2 in the account returned true: a withdrawal bigger than the balance must be refused",
    );
    ctx.meet();
    const after = Atomics.load(balance, 0);
    rule(
      after === 2,
      `two refused withdrawals left ${after} of 2 in the account: a refused withdrawal must take nothing`,
    );
    ctx.meet();
    ctx.at("withdraw(1) with 2 in the account, in two threads at once");
    rule(
      withdraw(balance, 1) === true,
      `withdraw(1) was refused with ${Atomics.load(balance, 0)} in the account: taking exactly what is there fits, and must succeed`,
    );
    ctx.meet();
    ctx.at("withdraw(1) of an empty account");
    rule(withdraw(balance, 1) === false, "withdraw(1) of an empty account returned true: it must be refused");
  }),
  arbiter: ({ balance }) => {
    const final = Atomics.load(balance, 0);
    return final === 0
      ? acceptable("emptied exactly")
      : forbidden(`final ${final}`, `two withdrawals of 1 from 2 should leave 0, got ${final}`);
  },
  repetitions: 20,
});
