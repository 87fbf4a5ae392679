// KNOWN WRONG: one lock for the whole bank. It is correct, and it cannot deadlock, but every
// transfer waits for every other one: transfer(0, 1) and transfer(2, 3), which share nothing,
// never run at the same time. On a bank with many tellers that is one teller.

import { TicketLock } from "#toolkit/ticket-lock.ts";

export class Bank {
  /** The accounts' words, and one more lock for the whole bank after them. */
  static words(accounts: number): number {
    return accounts * (1 + TicketLock.WORDS) + TicketLock.WORDS;
  }

  readonly accounts: number;
  readonly memory: Int32Array;
  protected readonly balances: Int32Array;
  readonly locks: TicketLock[];
  private readonly bankLock: TicketLock;

  constructor(accounts: number, memory?: Int32Array) {
    this.accounts = accounts;
    this.memory = memory ?? new Int32Array(new SharedArrayBuffer(Bank.words(accounts) * Int32Array.BYTES_PER_ELEMENT));
    this.balances = this.memory.subarray(0, accounts);
    this.locks = Array.from(
      { length: accounts },
      (_, i) =>
        new TicketLock(this.memory.subarray(accounts + i * TicketLock.WORDS, accounts + (i + 1) * TicketLock.WORDS)),
    );
    const end = accounts * (1 + TicketLock.WORDS);
    this.bankLock = new TicketLock(this.memory.subarray(end, end + TicketLock.WORDS));
  }

  transfer(from: number, to: number, amount: number): void {
    this.bankLock.acquire();
    try {
      this.move(from, to, amount);
    } finally {
      this.bankLock.release();
    }
  }

  protected move(from: number, to: number, amount: number): void {
    Atomics.store(this.balances, from, Atomics.load(this.balances, from) - amount);
    Atomics.store(this.balances, to, Atomics.load(this.balances, to) + amount);
  }

  deposit(account: number, amount: number): void {
    this.bankLock.acquire();
    try {
      Atomics.store(this.balances, account, Atomics.load(this.balances, account) + amount);
    } finally {
      this.bankLock.release();
    }
  }

  balance(account: number): number {
    return Atomics.load(this.balances, account);
  }

  total(): number {
    this.bankLock.acquire();
    try {
      let sum = 0;
      for (let account = 0; account < this.accounts; account++) sum += Atomics.load(this.balances, account);
      return sum;
    } finally {
      this.bankLock.release();
    }
  }
}
