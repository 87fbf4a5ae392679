// KNOWN RIGHT: Python's own Barrier (threading.Barrier), line by line, on a lock and a condition
// of its own in shared memory: a two-state lock word, a state word (0 filling, 1 draining, -1
// resetting, -2 broken), a count word, and a sequence word that notifyAll() bumps and waiters sleep
// on. The action runs holding the lock, as in Python. A generation that is draining (its released
// threads still leaving) makes new arrivals wait until the last of them has left.

import { BrokenBarrierError } from "#threadkata/errors.ts";

const LOCK = 0;
const STATE = 1;
const COUNT = 2;
const SEQUENCE = 3;

const FILLING = 0;
const DRAINING = 1;
const RESETTING = -1;
const BROKEN = -2;

export interface BarrierOptions {
  action?: () => void;
  timeout?: number;
}

export class Barrier {
  static readonly WORDS = 4;
  static readonly MAX_PARTIES = 1023;
  readonly memory: Int32Array;
  readonly parties: number;
  readonly action: (() => void) | undefined;
  readonly timeout: number | undefined;

  constructor(parties: number, options: BarrierOptions = {}, memory?: Int32Array) {
    if (!Number.isInteger(parties) || parties < 1 || parties > Barrier.MAX_PARTIES) {
      throw new RangeError(`parties must be an integer from 1 to ${Barrier.MAX_PARTIES}, got ${parties}`);
    }
    this.parties = parties;
    this.action = options.action;
    this.timeout = options.timeout;
    this.memory = memory ?? new Int32Array(new SharedArrayBuffer(Barrier.WORDS * Int32Array.BYTES_PER_ELEMENT));
  }

  wait(timeout: number | undefined = this.timeout): number {
    this.lock();
    try {
      // Block while the barrier drains or resets.
      while (this.state === DRAINING || this.state === RESETTING) this.sleep(Infinity);
      if (this.state < 0) throw new BrokenBarrierError();
      const index = this.count;
      this.count = index + 1;
      try {
        if (index + 1 === this.parties) this.release();
        else this.await(timeout === undefined ? Infinity : performance.now() + timeout);
        return index;
      } finally {
        this.count = this.count - 1;
        // The last to leave a draining or resetting barrier opens it for the next generation.
        if (this.count === 0 && (this.state === DRAINING || this.state === RESETTING)) {
          this.state = FILLING;
          this.wakeAll();
        }
      }
    } finally {
      this.unlock();
    }
  }

  abort(): void {
    this.lock();
    try {
      this.break();
    } finally {
      this.unlock();
    }
  }

  reset(): void {
    this.lock();
    try {
      if (this.count > 0) {
        // Those inside throw; the last of them to leave makes the barrier usable.
        if (this.state === FILLING || this.state === BROKEN) this.state = RESETTING;
      } else {
        this.state = FILLING;
      }
      this.wakeAll();
    } finally {
      this.unlock();
    }
  }

  get nWaiting(): number {
    return this.state === FILLING ? this.count : 0;
  }

  get broken(): boolean {
    return this.state === BROKEN;
  }

  /** Holding the lock: the last arrival runs the action and releases everyone; a failing action breaks the barrier. */
  private release(): void {
    try {
      this.action?.();
      this.state = DRAINING;
      this.wakeAll();
    } catch (error) {
      this.break();
      throw error;
    }
  }

  /** Holding the lock: waits for the release; a timeout breaks the barrier. */
  private await(deadline: number): void {
    while (this.state === FILLING) {
      if (deadline - performance.now() <= 0) {
        this.break();
        throw new BrokenBarrierError();
      }
      this.sleep(deadline);
    }
    if (this.state < 0) throw new BrokenBarrierError();
  }

  private break(): void {
    this.state = BROKEN;
    this.wakeAll();
  }

  // The condition: wait() lets the lock go and sleeps on the sequence word as it was; notifyAll()
  // changes that word under the lock, so a sleeper cannot miss it.
  private sleep(deadline: number): void {
    const sequence = Atomics.load(this.memory, SEQUENCE);
    this.unlock();
    try {
      Atomics.wait(this.memory, SEQUENCE, sequence, Math.max(0, deadline - performance.now()));
    } finally {
      this.lock();
    }
  }

  private wakeAll(): void {
    Atomics.add(this.memory, SEQUENCE, 1);
    Atomics.notify(this.memory, SEQUENCE);
  }

  // The lock: 0 free, 1 held; every unlock wakes one sleeper.
  private lock(): void {
    while (Atomics.compareExchange(this.memory, LOCK, 0, 1) !== 0) Atomics.wait(this.memory, LOCK, 1);
  }

  private unlock(): void {
    Atomics.store(this.memory, LOCK, 0);
    Atomics.notify(this.memory, LOCK, 1);
  }

  private get state(): number {
    return Atomics.load(this.memory, STATE);
  }

  private set state(value: number) {
    Atomics.store(this.memory, STATE, value);
  }

  private get count(): number {
    return Atomics.load(this.memory, COUNT);
  }

  private set count(value: number) {
    Atomics.store(this.memory, COUNT, value);
  }
}
