// Kata 07: build a Barrier (Python's threading.Barrier) on one word of shared memory.
// Read katas/07-barrier/README.md first; the hints there get more specific one by one.

// BrokenBarrierError is for you: `throw new BrokenBarrierError()`.
import { BrokenBarrierError, NotImplementedError } from "#threadkata/errors.ts";

/** What Python passes as `action=` and `timeout=`. */
export interface BarrierOptions {
  /** Runs once per generation, in the last thread to arrive, before anyone is released. */
  action?: () => void;
  /** The default timeout of wait(), in milliseconds. None given: wait for ever. */
  timeout?: number;
}

export class Barrier {
  /** How many 32-bit words of shared memory one barrier needs: everything lives in one word. */
  static readonly WORDS = 1;

  /** The most parties a barrier may have (so that a count of them fits in 10 bits of the word). */
  static readonly MAX_PARTIES = 1023;

  /**
   * The barrier's shared memory: hand it to another thread (postMessage, workerData) and build
   * `new Barrier(parties, options, memory)` there, with the same parties and action, to use the
   * same barrier. Zero-filled memory is a new, empty barrier; the constructor never writes to it.
   */
  readonly memory: Int32Array;

  /** How many threads must call wait() before they are all released. */
  readonly parties: number;

  /** This thread's copy of the action (functions cannot cross threads: each thread passes its own). */
  readonly action: (() => void) | undefined;

  /** The default timeout of wait(), in milliseconds; undefined waits for ever. */
  readonly timeout: number | undefined;

  /**
   * A new barrier for `parties` threads; or, given the memory of an existing barrier, that same
   * barrier (unchanged). Every thread must pass the same `parties` and the same action code.
   * Throws a RangeError unless `parties` is an integer from 1 to MAX_PARTIES.
   */
  constructor(parties: number, options: BarrierOptions = {}, memory?: Int32Array) {
    if (!Number.isInteger(parties) || parties < 1 || parties > Barrier.MAX_PARTIES) {
      throw new RangeError(`parties must be an integer from 1 to ${Barrier.MAX_PARTIES}, got ${parties}`);
    }
    this.parties = parties;
    this.action = options.action;
    this.timeout = options.timeout;
    this.memory = memory ?? new Int32Array(new SharedArrayBuffer(Barrier.WORDS * Int32Array.BYTES_PER_ELEMENT));
  }

  /**
   * Blocks until `parties` threads have called wait(), then releases them all, and returns this
   * thread's index in its generation: 0 for the first to arrive, parties - 1 for the last. The last
   * to arrive runs the action first; if the action throws, the barrier breaks and that thread's
   * wait() throws the action's error. Throws BrokenBarrierError if the barrier is broken, or
   * breaks (abort(), reset(), a failing action) while this thread waits. With a timeout
   * (milliseconds; default: the constructor's), a wait that expires breaks the barrier and throws
   * BrokenBarrierError, never before the timeout.
   */
  wait(timeout: number | undefined = this.timeout): number {
    // TODO: count yourself in and learn the generation in ONE step; the last to arrive runs the
    // action and starts the next generation, the others sleep with Atomics.wait until it moves.
    throw new NotImplementedError("07-barrier", "wait()");
  }

  /**
   * Breaks the barrier: every thread waiting now, and every later wait(), throws
   * BrokenBarrierError until reset().
   */
  abort(): void {
    // TODO: mark the barrier broken, then wake every sleeper.
    throw new NotImplementedError("07-barrier", "abort()");
  }

  /**
   * Returns the barrier to its empty, unbroken state. Threads waiting at that moment throw
   * BrokenBarrierError.
   */
  reset(): void {
    // TODO
    throw new NotImplementedError("07-barrier", "reset()");
  }

  /** How many threads are waiting at the barrier right now (Python: n_waiting). 0 when broken. */
  get nWaiting(): number {
    // TODO
    throw new NotImplementedError("07-barrier", "nWaiting");
  }

  /** Whether the barrier is broken (by abort(), a timeout or a failing action) until reset(). */
  get broken(): boolean {
    // TODO
    throw new NotImplementedError("07-barrier", "broken");
  }
}
