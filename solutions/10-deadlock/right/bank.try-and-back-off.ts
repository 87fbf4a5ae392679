// KNOWN RIGHT: try, back off, try again. Take the source account's lock, then only try the
// target's; if it is busy, let go of the first, sleep a random while that grows with every failed
// round, and start the whole transfer over. A thread never waits for a lock while it holds one, so
// no cycle of waiting threads can form (Coffman's "hold and wait" is gone); the random, growing
// back-off keeps two opposite transfers from retrying in lockstep for ever. total() takes every
// lock in order and blocks, but it can only wait for transfers that hold both their locks, and
// those finish.

import { TicketLock } from "#toolkit/ticket-lock.ts";

/**
 * Accounts in shared memory, each with a balance and a lock of its own (the ready TicketLock from
 * toolkit/). Every thread builds its Bank over the same memory: `new Bank(accounts, memory)`.
 */
export class Bank {
  /** How many 32-bit words of shared memory a bank of `accounts` accounts needs. */
  static words(accounts: number): number {
    return accounts * (1 + TicketLock.WORDS);
  }

  readonly accounts: number;
  readonly memory: Int32Array;
  /** balances[i] is account i's balance. Read and write it only while holding locks[i]. */
  protected readonly balances: Int32Array;
  /** locks[i] guards account i. */
  readonly locks: TicketLock[];

  /** Keep the constructor as it is: the tests build the bank over memory they share. */
  constructor(accounts: number, memory?: Int32Array) {
    this.accounts = accounts;
    this.memory = memory ?? new Int32Array(new SharedArrayBuffer(Bank.words(accounts) * Int32Array.BYTES_PER_ELEMENT));
    this.balances = this.memory.subarray(0, accounts);
    this.locks = Array.from(
      { length: accounts },
      (_, i) => new TicketLock(this.memory.subarray(accounts + i * TicketLock.WORDS, accounts + (i + 1) * TicketLock.WORDS)),
    );
  }

  /**
   * Moves `amount` from account `from` to account `to` (two different accounts), holding both
   * accounts' locks while the money moves. Many threads transfer at once, in every direction.
   */
  transfer(from: number, to: number, amount: number): void {
    const source = this.locks[from]!;
    const target = this.locks[to]!;
    for (let round = 0; ; round++) {
      source.acquire();
      try {
        if (target.tryAcquire()) {
          try {
            this.move(from, to, amount);
            return;
          } finally {
            target.release();
          }
        }
      } finally {
        source.release();
      }
      backOff(round);
    }
  }

  /**
   * Where the money moves. Call it exactly once per transfer, while holding both accounts' locks,
   * and keep it as it is: the tests watch it.
   */
  protected move(from: number, to: number, amount: number): void {
    Atomics.store(this.balances, from, Atomics.load(this.balances, from) - amount);
    Atomics.store(this.balances, to, Atomics.load(this.balances, to) + amount);
  }

  /** Puts `amount` into one account (one lock: it cannot take part in a deadlock). */
  deposit(account: number, amount: number): void {
    const lock = this.locks[account]!;
    lock.acquire();
    try {
      Atomics.store(this.balances, account, Atomics.load(this.balances, account) + amount);
    } finally {
      lock.release();
    }
  }

  /** One account's balance: one word, read in one atomic step. */
  balance(account: number): number {
    return Atomics.load(this.balances, account);
  }

  /** The audit: the money in the whole bank, counted while holding every account's lock, in account order. */
  total(): number {
    for (const lock of this.locks) lock.acquire();
    try {
      let sum = 0;
      for (let account = 0; account < this.accounts; account++) sum += Atomics.load(this.balances, account);
      return sum;
    } finally {
      for (const lock of this.locks.toReversed()) lock.release();
    }
  }
}

/** A word nobody ever changes: Atomics.wait on it is a plain sleep with a timeout. */
const idle = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));

/** Sleeps a random while, up to 2^round microseconds (at most about 1 ms). */
function backOff(round: number): void {
  const most = 2 ** Math.min(round, 10) / 1000;
  Atomics.wait(idle, 0, 0, Math.random() * most);
}
