// Reference: a reusable barrier with a generation number (as in Java's CyclicBarrier), its whole
// state packed into ONE word so that every decision is one compareExchange, and every change a
// sleeper must notice (a release, a break, a reset) changes the word it sleeps on.
//
//   bits 0-9    count: threads inside wait() for this generation (arrived, not yet released or gone)
//   bit 10      BROKEN: abort(), a timeout or a failing action broke the barrier
//   bit 11      RESETTING: reset() came while threads were inside; broken until the last has left
//   bits 12-31  generation: counts releases (and only releases), wrapping around
//
// Zero-filled memory is an empty barrier at generation 0, so the constructor never writes.

import { BrokenBarrierError } from "#threadkata/errors.ts";

const COUNT = 0x3ff;
const BROKEN = 1 << 10;
const RESETTING = 1 << 11;
const GENERATION_UNIT = 1 << 12;
const GENERATION = ~(GENERATION_UNIT - 1);

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
    const deadline = performance.now() + Math.max(0, timeout ?? Infinity);
    const memory = this.memory;

    // Join the current generation. Reading the generation and taking an index is ONE step: read the
    // generation after counting yourself in, and the last arriver may have moved on already.
    let state = Atomics.load(memory, 0);
    for (;;) {
      const draining = (state & RESETTING) !== 0;
      if (!draining && (state & BROKEN) !== 0) throw new BrokenBarrierError();
      if (draining || (state & COUNT) === this.parties) {
        // A reset is waiting for its broken waiters to leave, or the last arriver is running the
        // action: wait for either to finish before joining (Python waits here too).
        Atomics.wait(memory, 0, state);
        state = Atomics.load(memory, 0);
        continue;
      }
      const seen = Atomics.compareExchange(memory, 0, state, state + 1);
      if (seen === state) break;
      state = seen;
    }
    const index = state & COUNT;
    const generation = state & GENERATION;

    if (index + 1 === this.parties) {
      try {
        this.action?.();
      } catch (error) {
        this.leave();
        throw error;
      }
      // Release: the next generation with nobody in it, unless the barrier broke meanwhile.
      for (let now = Atomics.load(memory, 0); ;) {
        if ((now & BROKEN) !== 0) {
          this.leave();
          throw new BrokenBarrierError();
        }
        // Stryker disable next-line ArithmeticOperator: the generation only has to change; counting down serves as well as counting up
        const seen = Atomics.compareExchange(memory, 0, now, (generation + GENERATION_UNIT) & GENERATION);
        // Stryker disable next-line ConditionalExpression,EqualityOperator: only a break (abort(), reset(), a timeout) changes the word under the last arrival; leaving without the release then looks, from outside, like that break coming just after the release (the last arrival passes, the waiters see BROKEN and throw), which Python's Barrier allows: abort() fails every wait() still active
        if (seen === now) break;
        now = seen;
      }
      Atomics.notify(memory, 0); // after the store that releases them, never before
      return index;
    }

    for (;;) {
      const now = Atomics.load(memory, 0);
      // The generation moves only when this one is released: then we passed, even if the barrier
      // has broken since. Check it before the broken flag.
      if ((now & GENERATION) !== generation) return index;
      if ((now & BROKEN) !== 0) {
        this.leave();
        throw new BrokenBarrierError();
      }
      const remaining = deadline - performance.now();
      // Out of time: break the barrier and leave, unless the word changed under us (then the wait
      // below returns at once, and we look again).
      // Stryker disable next-line EqualityOperator: at exactly 0, Atomics.wait(…, 0) returns at once and the next pass finds the time below 0
      if (remaining <= 0 && this.tryLeave(now)) throw new BrokenBarrierError();
      // Sleeps only while the word still holds `now`: any release, break or arrival wakes us or
      // makes this return at once.
      Atomics.wait(memory, 0, now, remaining);
    }
  }

  /**
   * Leaves the current generation without passing, in one compare-exchange from `now`: counts this
   * thread out and breaks the barrier (if it is not broken already). The last to leave a draining
   * reset makes the barrier usable again. False if the word no longer holds `now`.
   */
  private tryLeave(now: number): boolean {
    let next = (now - 1) | BROKEN;
    if ((next & COUNT) === 0 && (next & RESETTING) !== 0) next &= GENERATION;
    if (Atomics.compareExchange(this.memory, 0, now, next) !== now) return false;
    Atomics.notify(this.memory, 0); // it broke the barrier, or finished a reset: the sleepers look again
    return true;
  }

  /** Leaves the current generation without passing, whatever the word holds. */
  private leave(): void {
    while (!this.tryLeave(Atomics.load(this.memory, 0)));
  }

  abort(): void {
    this.update((now) => (now | BROKEN) & ~RESETTING);
  }

  reset(): void {
    // Nobody inside: empty and unbroken at once. Otherwise break it for those inside, and let the
    // last of them to leave finish the reset.
    this.update((now) => ((now & COUNT) === 0 ? now & GENERATION : now | BROKEN | RESETTING));
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
    return (now & (BROKEN | RESETTING)) === 0 ? now & COUNT : 0;
  }

  get broken(): boolean {
    return (Atomics.load(this.memory, 0) & (BROKEN | RESETTING)) === BROKEN;
  }
}
