// Reference: every thread takes account locks in one global order, the account number. Why no
// deadlock can happen: a thread waits only for a lock with a higher number than every lock it
// holds, so in the wait-for graph (thread -> thread holding the lock it waits for) each edge leads
// to a thread holding a higher-numbered lock. A cycle would have to come back to a lower number:
// there is none. total() takes them in the same order, so the audit cannot join a cycle either.

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
    // Lower account number first, whatever the direction of the transfer.
    const first = this.locks[Math.min(from, to)]!;
    const second = this.locks[Math.max(from, to)]!;
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
