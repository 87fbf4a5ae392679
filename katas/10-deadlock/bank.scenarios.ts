// The deadlock kata's scenarios. They run inside worker threads (see harness/scenario.ts).

import { Bank } from "#kata/10-deadlock/bank.ts";
import {
  acceptable,
  crowd,
  forbidden,
  nameLock,
  rule,
  scenario,
  type ActorContext,
  type OverlapTracker,
  type SharedMemory,
} from "#threadkata/scenario.ts";

const accounts = 4;
const opening = 1_000_000;

/** This thread's actor, and what the watched bank checks in it. Each worker thread has its own. */
const here: { ctx?: ActorContext; moved: number; inside?: "meet the other" | "hold the door" } = { moved: 0 };

/** How long actor 0 of sharedAccountWaits keeps its transfer open for the other, at most. */
const doorOpenMs = 5;

/**
 * The learner's Bank with eyes on move(), where the money moves: it counts the moves of this
 * thread, checks that no other transfer touches the same accounts meanwhile, and (in the overlap
 * scenario) waits inside for the other thread's transfer.
 */
class WatchedBank extends Bank {
  constructor(
    memory: Int32Array,
    /** Per account: how many transfers are moving its money right now (0 or 1). */
    private readonly busy: Int32Array,
    private readonly inside: OverlapTracker,
    /** Set once actor 0 of sharedAccountWaits is inside move() (and left set: a late actor 1 must not miss it). */
    private readonly door: Int32Array,
  ) {
    super(accounts, memory);
  }

  protected override move(from: number, to: number, amount: number): void {
    here.moved++;
    const ctx = here.ctx!;
    for (const account of [from, to]) {
      const others = Atomics.add(this.busy, account, 1);
      rule(
        others === 0,
        `account ${account} was in two transfers at once (one of them transfer(${from}, ${to}, ${amount})): a transfer must hold both accounts' locks while it moves the money`,
      );
    }
    this.inside.enter();
    if (here.inside === "hold the door" && ctx.actor === 0) {
      // Stay inside, holding the locks, while the other thread's transfer into the same account
      // starts: it must wait (asleep, or spinning in a back-off) and never get in. A transfer that
      // does get in breaks the rule above, in its own thread.
      Atomics.store(this.door, 0, 1);
      const until = performance.now() + doorOpenMs;
      ctx.until(() => ctx.asleep(1) || performance.now() > until, "the other transfer waits for account " + to);
    } else if (here.inside === "meet the other") {
      // Stay inside until the other thread's transfer is inside too. If it is asleep instead,
      // waiting for a lock this thread holds, the two transfers can never overlap.
      const other = 1 - ctx.actor;
      ctx.until(() => this.inside.most >= 2 || ctx.asleep(other), `the other transfer is inside too (or asleep)`);
      rule(
        this.inside.most >= 2,
        `transfers on disjoint accounts never ran at the same time: while transfer(${from}, ${to}) was moving money, actor ${other}'s transfer on two other accounts was asleep, waiting for a lock this one held. One lock for the whole bank?`,
      );
    } else {
      ctx.pause(2);
    }
    super.move(from, to, amount);
    this.inside.leave();
    for (const account of [from, to]) Atomics.sub(this.busy, account, 1);
  }
}

interface Shared {
  bank: Bank;
  inside: OverlapTracker;
  door: Int32Array;
  /** Transfers each actor asked for in this repetition. */
  asked: Int32Array;
}

function state(memory: SharedMemory): Shared {
  const bankMemory = memory.int32(Bank.words(accounts));
  const busy = memory.int32(accounts);
  const inside = memory.overlap();
  const door = memory.int32(1);
  const bank = new WatchedBank(bankMemory, busy, inside, door);
  bank.locks.forEach((lock, account) => nameLock(lock, `account ${account}`));
  return { bank, inside, door, asked: memory.int32(8) };
}

function reset({ bank, inside, door, asked }: Shared): void {
  bank.memory.fill(0);
  for (let account = 0; account < accounts; account++) bank.deposit(account, opening);
  inside.reset();
  door.fill(0);
  asked.fill(0);
}

/** One transfer, with the checks every scenario makes: it happened, exactly once. */
function transfer(bank: Bank, ctx: ActorContext, from: number, to: number, amount: number): void {
  ctx.at(`transfer(${from}, ${to})`);
  const before = here.moved;
  bank.transfer(from, to, amount);
  rule(
    here.moved !== before,
    `transfer(${from}, ${to}, ${amount}) returned without moving the money: a transfer that was asked for must happen (a transfer that cannot get its locks now must try again, not give up)`,
  );
  rule(
    here.moved === before + 1,
    `transfer(${from}, ${to}, ${amount}) moved the money ${here.moved - before} times: call move() once`,
  );
}

function start(ctx: ActorContext, inside?: typeof here.inside): void {
  here.ctx = ctx;
  here.inside = inside;
}

/** The transfers actor `actor` makes, in order: a fixed plan, so the arbiter can replay it. */
function planned(actor: number, index: number): { from: number; to: number; amount: number } {
  let x = Math.imul(actor * 7919 + index + 1, 0x9e3779b1) >>> 0;
  x = Math.imul(x ^ (x >>> 15), 0x85ebca6b) >>> 0;
  const from = x % accounts;
  const to = (from + 1 + ((x >>> 8) % (accounts - 1))) % accounts;
  return { from, to, amount: 1 + ((x >>> 16) % 9) };
}

/** Balances the plan leads to, after each actor made `asked[actor]` of its transfers. */
function expectedBalances(asked: Int32Array, actors: number): number[] {
  const balances = Array.from({ length: accounts }, () => opening);
  for (let actor = 0; actor < actors; actor++) {
    for (let index = 0; index < Atomics.load(asked, actor); index++) {
      const { from, to, amount } = planned(actor, index);
      balances[from]! -= amount;
      balances[to]! += amount;
    }
  }
  return balances;
}

function judgeBalances({ bank, asked }: Shared, actors: number) {
  const expected = expectedBalances(asked, actors);
  const got = expected.map((_, account) => bank.balance(account));
  const total = got.reduce((sum, b) => sum + b, 0);
  if (total !== accounts * opening) {
    return forbidden(
      `total ${total - accounts * opening > 0 ? "+" : ""}${total - accounts * opening}`,
      `money ${total > accounts * opening ? "created" : "lost"}: the bank held ${accounts * opening} and now holds ${total} (balances ${got.join(", ")}; expected ${expected.join(", ")})`,
    );
  }
  const wrong = got.findIndex((balance, account) => balance !== expected[account]);
  if (wrong >= 0) {
    return forbidden(
      `account ${wrong} off`,
      `account ${wrong} holds ${got[wrong]}, but the transfers made should leave ${expected[wrong]} (balances ${got.join(", ")}; expected ${expected.join(", ")})`,
    );
  }
  return acceptable("every transfer made, money conserved");
}

/**
 * Python's classic deadlock: transfer(0, 1) and transfer(1, 0) at the same time, over and over.
 * Each takes the lock of the account it names first; taken in argument order, each then waits for
 * the lock the other holds.
 */
export const oppositeTransfers = scenario<Shared>({
  state,
  reset,
  actors: crowd(2, ({ bank, asked }, ctx) => {
    start(ctx);
    const [from, to] = ctx.actor === 0 ? [0, 1] : [1, 0];
    let made = 0;
    ctx.repeatTogether(300, () => {
      transfer(bank, ctx, from, to, ctx.actor + 1);
      Atomics.store(asked, ctx.actor, ++made);
    });
  }),
  arbiter: ({ bank, asked }) => {
    // Actor 0 moves 1 from account 0 to 1 each time, actor 1 moves 2 back.
    const [there, back] = [Atomics.load(asked, 0), Atomics.load(asked, 1)];
    const expected = [opening - there + 2 * back, opening + there - 2 * back];
    const got = [bank.balance(0), bank.balance(1)];
    return got[0] === expected[0] && got[1] === expected[1]
      ? acceptable("every transfer made")
      : forbidden(
          `balances ${got.join("/")}`,
          `accounts 0 and 1 hold ${got.join(" and ")}; after ${there} transfers of 1 from 0 to 1 and ${back} of 2 back they should hold ${expected.join(" and ")}`,
        );
  },
  repetitions: 30,
});

/**
 * Four threads transfer between four accounts in every direction, for a stretch of time, and now
 * and then audit the bank with total(). Every transfer asked for must happen, each account must
 * end where the transfers made lead, and the money in the bank never changes.
 */
export const moneyConserved = scenario<Shared>({
  state,
  reset,
  actors: crowd(4, ({ bank, asked }, ctx) => {
    start(ctx);
    let index = 0;
    ctx.repeatTogether(300, () => {
      const { from, to, amount } = planned(ctx.actor, index);
      transfer(bank, ctx, from, to, amount);
      Atomics.store(asked, ctx.actor, ++index);
      if (index % 16 === 0) {
        ctx.at("total()");
        const total = bank.total();
        rule(
          total === accounts * opening,
          `total() counted ${total} while transfers ran; the bank holds ${accounts * opening}: money in the middle of a transfer was counted`,
        );
      }
    });
  }),
  arbiter: (shared) => judgeBalances(shared, 4),
  repetitions: 40,
});

/**
 * Transfers on accounts {0, 1} and {2, 3} have nothing in common, so they must be able to run at
 * the same time. Each thread stays inside its transfer (holding its locks) until it sees the
 * other one inside as well; if the other is asleep waiting for a lock instead, the bank serialises
 * transfers that need not wait for each other.
 */
export const disjointTransfersOverlap = scenario<Shared>({
  state,
  reset,
  actors: crowd(2, ({ bank, asked }, ctx) => {
    start(ctx, "meet the other");
    const [from, to] = ctx.actor === 0 ? [0, 1] : [3, 2];
    transfer(bank, ctx, from, to, 5);
    Atomics.store(asked, ctx.actor, 1);
  }),
  arbiter: ({ bank, inside }) => {
    if (inside.most < 2) return forbidden("one at a time", "transfers on disjoint accounts never ran at the same time");
    const got = [0, 1, 2, 3].map((account) => bank.balance(account));
    const expected = [opening - 5, opening + 5, opening + 5, opening - 5];
    return got.every((balance, account) => balance === expected[account])
      ? acceptable("ran at the same time")
      : forbidden(`balances ${got.join("/")}`, `balances ${got.join(", ")}; expected ${expected.join(", ")}`);
  },
  repetitions: 50,
});

/**
 * Two transfers into the same account, from different ones: transfer(0, 2) and transfer(1, 2).
 * While the first is moving money (holding its locks), the second starts: it must wait for
 * account 2, and never move money in it at the same time.
 */
export const sharedAccountWaits = scenario<Shared>({
  state,
  reset,
  actors: [
    ({ bank, asked }, ctx) => {
      start(ctx, "hold the door");
      transfer(bank, ctx, 0, 2, 3);
      Atomics.store(asked, 0, 1);
    },
    ({ bank, asked, door }, ctx) => {
      start(ctx);
      ctx.until(() => Atomics.load(door, 0) === 1, "actor 0 is moving money into account 2");
      transfer(bank, ctx, 1, 2, 4);
      Atomics.store(asked, 1, 1);
    },
  ],
  arbiter: ({ bank }) => {
    const got = [0, 1, 2].map((account) => bank.balance(account));
    const expected = [opening - 3, opening - 4, opening + 7];
    return got.every((balance, account) => balance === expected[account])
      ? acceptable("one at a time")
      : forbidden(
          `balances ${got.join("/")}`,
          `balances ${got.join(", ")}; after transfer(0, 2, 3) and transfer(1, 2, 4) they should be ${expected.join(", ")}`,
        );
  },
  repetitions: 30,
});

/**
 * Three threads in a ring, the dining philosophers' cycle: transfer(0, 1), transfer(1, 2) and
 * transfer(2, 0) at the same time, over and over. No pair of them runs in opposite directions, and
 * a cycle of three still closes if each takes the lock of the account it names first.
 */
export const ringOfThree = scenario<Shared>({
  state,
  reset,
  actors: crowd(3, ({ bank, asked }, ctx) => {
    start(ctx);
    const [from, to] = [ctx.actor, (ctx.actor + 1) % 3];
    let made = 0;
    ctx.repeatTogether(300, () => {
      transfer(bank, ctx, from, to, ctx.actor + 1);
      Atomics.store(asked, ctx.actor, ++made);
    });
  }),
  arbiter: ({ bank, asked }) => {
    // Actor a moves a + 1 from account a to account (a + 1) % 3, asked[a] times.
    const expected = [opening, opening, opening];
    for (let actor = 0; actor < 3; actor++) {
      const moved = (actor + 1) * Atomics.load(asked, actor);
      expected[actor]! -= moved;
      expected[(actor + 1) % 3]! += moved;
    }
    const got = [0, 1, 2].map((account) => bank.balance(account));
    return got.every((balance, account) => balance === expected[account])
      ? acceptable("every transfer made")
      : forbidden(
          `balances ${got.join("/")}`,
          `accounts 0, 1, 2 hold ${got.join(", ")}; the transfers made should leave ${expected.join(", ")}`,
        );
  },
  repetitions: 30,
});

/**
 * One thread, a bank of its own memory (new Bank(3)): deposits, transfers in both directions and
 * between the first and the last account, balances and total() all add up.
 */
export const oneThread = scenario<{ words: Int32Array }>({
  state: (memory) => ({ words: memory.int32(1) }),
  actors: [
    (_, ctx) => {
      ctx.at("new Bank(3)");
      const bank = new Bank(3);
      rule(bank.accounts === 3 && bank.locks.length === 3, "new Bank(3) must have 3 accounts, each with its own lock");
      rule(
        bank.memory.length === Bank.words(3),
        `new Bank(3) must own Bank.words(3) = ${Bank.words(3)} words of shared memory`,
      );
      rule(bank.total() === 0, "a new bank holds no money");
      bank.deposit(0, 10);
      bank.deposit(2, 5);
      const check = (what: string, expected: number[]) => {
        const got = [0, 1, 2].map((account) => bank.balance(account));
        rule(
          got.join() === expected.join(),
          `after ${what} the balances are ${got.join(", ")}; they should be ${expected.join(", ")}`,
        );
        rule(bank.total() === 15, `after ${what} total() counted ${bank.total()}; the bank holds 15`);
      };
      check("deposit(0, 10) and deposit(2, 5)", [10, 0, 5]);
      ctx.at("transfer(0, 2, 4)");
      bank.transfer(0, 2, 4);
      check("transfer(0, 2, 4)", [6, 0, 9]);
      ctx.at("transfer(2, 1, 7)");
      bank.transfer(2, 1, 7);
      check("transfer(2, 1, 7)", [6, 7, 2]);
      ctx.at("transfer(1, 0, 7)");
      bank.transfer(1, 0, 7);
      check("transfer(1, 0, 7)", [13, 0, 2]);
      rule(
        bank.locks.every((lock) => !lock.locked()),
        "a transfer left an account's lock taken",
      );
    },
  ],
  repetitions: 3,
});
