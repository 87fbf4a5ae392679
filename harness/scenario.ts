// The vocabulary of a scenario file (katas/NN-slug/*.scenarios.ts). Scenario files run inside the
// worker threads, never on the test's main thread, so learner code can block or loop without
// hanging the test run.
//
// A scenario names its shared state, its actors (one thread each) and an arbiter that judges each
// repetition, as in jcstress. The harness releases the actors together from a start line, repeats
// the scenario many times on the same threads and keeps a histogram of the outcomes.

import type { Operation } from "./linearizability.ts";
import { lockObserver } from "./lock-observer.ts";

/** Shared memory for one test, carved the same way in every thread (so every view lines up). */
export class SharedMemory {
  private next = 0;
  constructor(readonly buffer: SharedArrayBuffer) {}

  /** `length` fresh 32-bit words, zeroed. Call in the same order in every thread. */
  int32(length = 1): Int32Array {
    const offset = this.next;
    this.next += length * Int32Array.BYTES_PER_ELEMENT;
    if (this.next > this.buffer.byteLength) {
      throw new RangeError(`scenario state needs more than ${this.buffer.byteLength} bytes of shared memory`);
    }
    return new Int32Array(this.buffer, offset, length);
  }

  /** A tracker of how many actors are inside a region at once. */
  overlap(): OverlapTracker {
    return new OverlapTracker(this.int32(2));
  }

  /** A record of calls and returns from every actor, for a linearizability check: `capacity` operations per repetition. */
  history(capacity: number): History {
    return new History(this.int32(History.headerWords + capacity * History.wordsPerOperation), capacity);
  }
}

/**
 * Counts the actors inside a region (a critical section, a pool slot) and remembers the most that
 * were ever inside together: the koans' OverlapTracker.max_concurrent.
 */
export class OverlapTracker {
  constructor(private readonly words: Int32Array) {}

  enter(): void {
    const inside = Atomics.add(this.words, 0, 1) + 1;
    let most = Atomics.load(this.words, 1);
    while (inside > most) {
      const seen = Atomics.compareExchange(this.words, 1, most, inside);
      if (seen === most) break;
      most = seen;
    }
  }

  leave(): void {
    Atomics.sub(this.words, 0, 1);
  }

  /** The most actors that were inside at the same time since the last reset. */
  get most(): number {
    return Atomics.load(this.words, 1);
  }

  reset(): void {
    Atomics.store(this.words, 0, 0);
    Atomics.store(this.words, 1, 0);
  }
}

/** The words of one recorded operation, in History's memory. */
const Field = {
  actor: 0,
  kind: 1,
  argument: 2,
  result: 3,
  calledAt: 4,
  /** 0 while the operation has not returned (stamps start at 1). */
  returnedAt: 5,
} as const;

/**
 * Every actor's calls into the code under test and what they returned, with stamps from one shared
 * clock, for checkLinearizability (linearizability.ts). Around each call:
 *
 *   const op = history.call(ctx.actor, QueueKind.put, item);
 *   queue.put(item);
 *   history.returned(op, QueueResult.none);
 *
 * The clock is a shared counter bumped with Atomics.add, so stamps order all actors exactly: A
 * happened before B if and only if A's return stamp is below B's call stamp. The call is stamped
 * after its slot is filled in and just before the code under test runs, and the return just after
 * it: each operation's interval holds the whole real call, so the check never sees an order that
 * did not happen. Slots are claimed with Atomics.add too: recording takes no lock, so it adds no
 * synchronization the code under test lacks (beyond the clock's own, which is why the racy
 * windows should be wide; see harness/README.md).
 */
export class History {
  static readonly headerWords = 2;
  static readonly wordsPerOperation = 6;
  private static readonly claimed = 0;
  private static readonly clock = 1;

  constructor(
    private readonly words: Int32Array,
    readonly capacity: number,
  ) {}

  /** Records a call about to happen; returns the operation to pass to returned(). */
  call(actor: number, kind: number, argument = 0): number {
    const operation = Atomics.add(this.words, History.claimed, 1);
    rule(
      operation < this.capacity,
      `the history is full: it holds ${this.capacity} operations per repetition; give memory.history() more room or record fewer`,
    );
    const base = this.base(operation);
    Atomics.store(this.words, base + Field.actor, actor);
    Atomics.store(this.words, base + Field.kind, kind);
    Atomics.store(this.words, base + Field.argument, argument);
    Atomics.store(this.words, base + Field.result, 0);
    Atomics.store(this.words, base + Field.returnedAt, 0);
    Atomics.store(this.words, base + Field.calledAt, this.tick());
    return operation;
  }

  /** Records that `operation` returned `result`: a value, or an outcome code the model defines. */
  returned(operation: number, result: number): void {
    const base = this.base(operation);
    Atomics.store(this.words, base + Field.result, result);
    Atomics.store(this.words, base + Field.returnedAt, this.tick());
  }

  /** How many operations have been called so far in this repetition. */
  get length(): number {
    return Math.min(Atomics.load(this.words, History.claimed), this.capacity);
  }

  /** The operations recorded so far; those that never returned have `returnedAt` undefined. */
  operations(): Operation[] {
    const operations: Operation[] = [];
    for (let slot = 0; slot < this.length; slot++) {
      const base = this.base(slot);
      const calledAt = Atomics.load(this.words, base + Field.calledAt);
      if (calledAt === 0) continue; // claimed, but the call was never made
      const returnedAt = Atomics.load(this.words, base + Field.returnedAt);
      operations.push({
        id: operations.length,
        actor: Atomics.load(this.words, base + Field.actor),
        kind: Atomics.load(this.words, base + Field.kind),
        argument: Atomics.load(this.words, base + Field.argument),
        result: returnedAt === 0 ? undefined : Atomics.load(this.words, base + Field.result),
        calledAt,
        returnedAt: returnedAt === 0 ? undefined : returnedAt,
      });
    }
    return operations;
  }

  /** Empties the history and restarts the clock: call it in the scenario's reset. */
  reset(): void {
    for (let slot = 0; slot < this.length; slot++) Atomics.store(this.words, this.base(slot) + Field.calledAt, 0);
    Atomics.store(this.words, History.claimed, 0);
    Atomics.store(this.words, History.clock, 0);
  }

  private tick(): number {
    return Atomics.add(this.words, History.clock, 1) + 1;
  }

  private base(operation: number): number {
    return History.headerWords + operation * History.wordsPerOperation;
  }
}

/** What one actor can ask of the harness while it runs. */
export interface ActorContext<P = unknown> {
  /** This actor's index in the scenario's `actors` list. */
  readonly actor: number;
  /** The repetition being run, counted from 0 over the whole test. */
  readonly repetition: number;
  /** The parameters the test passed to this scenario. */
  readonly params: P;
  /** A number in [0, 1) from this repetition's seeded generator (same seed, same numbers). */
  random(): number;
  /** Busy-waits for up to `maxMicros` microseconds (a seeded random amount) to vary interleavings. */
  pause(maxMicros?: number): void;
  /**
   * Marks where this actor is: if it gets stuck, the failure names the label ("inside acquire()").
   * Call it before each call into the code under test.
   */
  at(label: string): void;
  /** Waits until `peer` is asleep in Atomics.wait inside the code under test (it blocked). */
  untilAsleep(peer: number): void;
  /** Whether `peer` is asleep in Atomics.wait inside the code under test right now. */
  asleep(peer: number): boolean;
  /** Waits until `condition()` holds, checking often; `what` names it if the wait never ends. */
  until(condition: () => boolean, what: string): void;
  /**
   * Waits, spinning, until every actor has called meet() as often as this one: a start line inside
   * a repetition. Use it to make two calls happen at the same instant many times per repetition
   * (jcstress-style), e.g. both threads calling tryAcquire() on a free lock. Every actor must call
   * it the same number of times.
   */
  meet(): void;
  /**
   * Calls `body` over and over while the other actors do the same, until `micros` microseconds
   * have passed for the first of them; returns how many calls this actor made. A fixed count of
   * calls can finish before the other thread has even started (an optimised `counter[0]++` loop
   * does 10,000 in a few microseconds); a shared stretch of time cannot.
   */
  repeatTogether(micros: number, body: () => void): number;
  /**
   * How many times this actor's code has gone to sleep in Atomics.wait so far in the test. A wait
   * that cannot block is no sleep: one with a timeout of 0 (it returns "timed-out" at once) or on a
   * word that no longer holds the expected value (it returns "not-equal" at once).
   */
  sleeps(): number;
}

/**
 * Names a lock for failure messages: a deadlock then reads "actor 0 holds account 0 and waits for
 * account 1". Call it in `state` (every thread does; the names agree). Only locks that report to
 * the harness (toolkit/ticket-lock.ts does, see lock-observer.ts) and live in the scenario's
 * shared memory are shown; an unnamed one is "the lock at word 12 of the shared memory".
 */
export function nameLock(lock: Int32Array | { readonly memory: Int32Array }, name: string): void {
  lockObserver()?.name(lock instanceof Int32Array ? lock : lock.memory, name);
}

export type Actor<S, P> = (state: S, ctx: ActorContext<P>) => void | Promise<void>;

/** One repetition's result: a short key for the histogram and, if forbidden, why. */
export interface Outcome {
  readonly key: string;
  readonly forbidden?: string;
}

export function acceptable(key: string | number): Outcome {
  return { key: String(key) };
}

/** An outcome the rules forbid; `why` is the one line a learner reads first. */
export function forbidden(key: string | number, why: string): Outcome {
  return { key: String(key), forbidden: why };
}

/**
 * Thrown inside an actor when a rule is broken at a moment, not at the end ("acquire(20) returned
 * true while another thread held the lock"). Fails the test at once with this message.
 */
export class RuleBroken extends Error {
  override name = "RuleBroken";
}

/** Checks a rule inside an actor. */
export function rule(holds: boolean, message: string): asserts holds {
  if (!holds) throw new RuleBroken(message);
}

/**
 * Whether `call` throws, for rules like "release() of an unlocked lock throws". A stub's
 * NotImplementedError is passed on, never mistaken for the error the rule expects.
 */
export function throws(call: () => unknown): boolean {
  try {
    call();
    return false;
  } catch (error) {
    if (error instanceof Error && error.name === "NotImplementedError") throw error;
    return true;
  }
}

/**
 * Whether `call` throws a `kind` (an Error by default) that says what went wrong (a message that
 * is not empty), for rules like "release() of an unlocked lock throws". A stub's
 * NotImplementedError is passed on.
 */
export function throwsError(call: () => unknown, kind: abstract new (...args: never[]) => Error = Error): boolean {
  try {
    call();
    return false;
  } catch (error) {
    if (error instanceof Error && error.name === "NotImplementedError") throw error;
    return error instanceof kind && error.message !== "";
  }
}

/**
 * Calls a wait that has a timeout (`acquire(60_000)`) and says whether it returned before that
 * timeout ran out. "Released in time" promises that the release wakes the waiter: a waiter nobody
 * woke would still get the lock, once its own timeout ended and it looked again. Under stress the
 * deadline catches that long before; in the explore mode's virtual time the timeout comes at once,
 * and only this tells the two apart.
 */
export function beforeTimeout<T>(timeoutMs: number, call: () => T): { value: T; early: boolean } {
  const started = performance.now();
  const value = call();
  return { value, early: performance.now() - started < timeoutMs };
}

export interface ScenarioSpec<S, P = unknown> {
  /** One line saying what the scenario proves, used in failure messages. */
  readonly proves?: string;
  /** Builds this thread's view of the shared state. Runs once per test in every actor's thread. */
  state(memory: SharedMemory, params: P): S;
  /** Puts the state back to its start before each repetition. Runs on actor 0's thread. */
  reset?(state: S, params: P): void;
  /** What each thread does in one repetition; they start together from the start line. */
  readonly actors: ReadonlyArray<Actor<S, P>>;
  /** Judges one repetition after every actor has finished. Runs on actor 0's thread. */
  arbiter?(state: S, params: P): Outcome;
  /** Repetitions at the default stress level. */
  readonly repetitions?: number;
  /**
   * The explore mode (harness/strategy/explore/): how many schedules to try, one step at a time, before the
   * stress run; false for a scenario that cannot run step by step (its actors await, or it is
   * about real parallel hardware). The kata's catalogue entry says whether its suite explores.
   */
  readonly explore?: false | { schedules?: number };
}

export type Scenario<S = any, P = any> = ScenarioSpec<S, P> & { readonly kind: "scenario" };

export function scenario<S, P = undefined>(spec: ScenarioSpec<S, P>): Scenario<S, P> {
  return { ...spec, kind: "scenario" };
}

/** The same actor `count` times: a crowd of identical threads. */
export function crowd<S, P>(count: number, actor: Actor<S, P>): Array<Actor<S, P>> {
  return Array.from({ length: count }, () => actor);
}
