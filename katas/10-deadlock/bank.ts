// Kata 10: a bank whose transfers deadlock. Each account has its own lock, and transfer() takes
// the two accounts' locks in the order it names them. Read katas/10-deadlock/README.md first; the
// hints there get more specific one by one.

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
      (_, i) =>
        new TicketLock(this.memory.subarray(accounts + i * TicketLock.WORDS, accounts + (i + 1) * TicketLock.WORDS)),
    );
  }

  /**
   * Moves `amount` from account `from` to account `to` (two different accounts), holding both
   * accounts' locks while the money moves. Many threads transfer at once, in every direction.
   */
  transfer(from: number, to: number, amount: number): void {
    // TODO: one thread runs transfer(0, 1, ...) while another runs transfer(1, 0, ...). Each takes
    // its first lock, then waits for ever for its second, which the other holds. Fix it, without
    // one lock for the whole bank: transfers between other accounts must still run at the same time.
    const first = this.locks[from]!;
    const second = this.locks[to]!;
    first.acquire();
    try {
      second.acquire();
      try {
        this.move(from, to, amount);
      } finally {
        second.release();
      }
    } finally {
      first.release();
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
