// KNOWN RIGHT: Python's states (filling, draining, resetting, broken) as bits of one word, changed
// by compare-exchange, no generation number. The last arrival sets DRAINING: the waiters of this
// generation pass as they see it, and each counts itself out on the way. New arrivals wait until
// the last of them has left, so a waiter can never miss its own release behind a later one (the
// reason the reference counts generations).
//
//   bits 0-9   count: threads inside wait() (arrived and not yet left)
//   bit 10     DRAINING: released; those inside pass
//   bit 11     RESETTING: reset() came while threads were inside; they throw
//   bit 12     BROKEN

import { BrokenBarrierError } from "#threadkata/errors.ts";

const COUNT = 0x3ff;
const DRAINING = 1 << 10;
const RESETTING = 1 << 11;
const BROKEN = 1 << 12;

export interface BarrierOptions {
  action?: () => void;
  timeout?: number;
}

export class Barrier {
  static readonly WORDS = 1;
  static readonly MAX_PARTIES = COUNT;
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
    const deadline = timeout === undefined ? Infinity : performance.now() + timeout;
    let state = Atomics.load(this.memory, 0);
    for (;;) {
      if ((state & (DRAINING | RESETTING)) !== 0 || (state & COUNT) >= this.parties) {
        // The last generation is still leaving, or a reset is, or this generation is full (its last
        // arrival runs the action): wait until it has gone (as Python does).
        Atomics.wait(this.memory, 0, state);
        state = Atomics.load(this.memory, 0);
        continue;
      }
      if ((state & BROKEN) !== 0) throw new BrokenBarrierError();
      const seen = Atomics.compareExchange(this.memory, 0, state, state + 1);
      if (seen === state) break;
      state = seen;
    }
    const index = state & COUNT;

    if (index + 1 === this.parties) {
      try {
        this.action?.();
      } catch (error) {
        this.leave(BROKEN);
        throw error;
      }
      for (let now = Atomics.load(this.memory, 0); ;) {
        // An abort() or reset() while the action ran: nobody passes.
        if ((now & (BROKEN | RESETTING)) !== 0) {
          this.leave(0);
          throw new BrokenBarrierError();
        }
        const seen = Atomics.compareExchange(this.memory, 0, now, now | DRAINING);
        if (seen === now) break;
        now = seen;
      }
      Atomics.notify(this.memory, 0);
      this.leave(0);
      return index;
    }

    for (;;) {
      const now = Atomics.load(this.memory, 0);
      if ((now & DRAINING) !== 0) {
        this.leave(0);
        return index;
      }
      if ((now & (BROKEN | RESETTING)) !== 0) {
        this.leave(0);
        throw new BrokenBarrierError();
      }
      const remaining = deadline - performance.now();
      if (remaining <= 0) {
        // Break it and leave in one step, unless the word changed under us: then look again.
        if (Atomics.compareExchange(this.memory, 0, now, (now - 1) | BROKEN) === now) {
          Atomics.notify(this.memory, 0);
          throw new BrokenBarrierError();
        }
        continue;
      }
      Atomics.wait(this.memory, 0, now, remaining);
    }
  }

  /** Counts this thread out (adding `flags`); the last to leave a draining or resetting barrier opens it again. */
  private leave(flags: number): void {
    for (let now = Atomics.load(this.memory, 0); ;) {
      let next = (now - 1) | flags;
      if ((next & COUNT) === 0) next &= ~(DRAINING | RESETTING);
      const seen = Atomics.compareExchange(this.memory, 0, now, next);
      if (seen === now) {
        if ((next & ~COUNT) !== (now & ~COUNT)) Atomics.notify(this.memory, 0);
        return;
      }
      now = seen;
    }
  }

  abort(): void {
    this.update((now) => (now | BROKEN) & ~RESETTING);
  }

  reset(): void {
    this.update((now) => {
      if ((now & COUNT) === 0) return 0;
      // Released threads still leaving pass anyway; once they have, the barrier is fresh.
      if ((now & DRAINING) !== 0) return now & ~BROKEN;
      return (now | RESETTING) & ~BROKEN;
    });
  }

  private update(change: (now: number) => number): void {
    for (let now = Atomics.load(this.memory, 0); ;) {
      const seen = Atomics.compareExchange(this.memory, 0, now, change(now));
      if (seen === now) break;
      now = seen;
    }
    Atomics.notify(this.memory, 0);
  }

  get nWaiting(): number {
    const now = Atomics.load(this.memory, 0);
    return (now & (DRAINING | RESETTING | BROKEN)) === 0 ? now & COUNT : 0;
  }

  get broken(): boolean {
    return (Atomics.load(this.memory, 0) & BROKEN) !== 0;
  }
}
