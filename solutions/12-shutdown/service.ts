// Kata 12, the reference: daemon threads and graceful shutdown.

import type { Worker } from "node:worker_threads";

/** What the program hands to serve(): ready-made in program.ts. */
export interface Service {
  /** How many writer threads to start. */
  readonly writers: number;
  /** Starts the heartbeat thread: an endless loop, it never looks at any stop event. A plain (ref'd) Worker. */
  startHeartbeat(): Worker;
  /**
   * Starts writer `index`: it writes its records until `stop` is set (it finishes the one in hand,
   * then flushes); when it has no work it sleeps in stop.wait(...). A plain (ref'd) Worker.
   */
  startWriter(index: number, stop: StopEvent): Worker;
}

/** Python's threading.Event, used as a stop signal, on one word of shared memory. */
export class StopEvent {
  /** How many 32-bit words of shared memory one StopEvent needs. */
  static readonly WORDS = 1;

  /** The event's shared memory: `new StopEvent(memory)` in another thread is the same event. */
  readonly memory: Int32Array;

  /** A new event, not set; or, given the memory of an existing one, that same event. */
  constructor(memory?: Int32Array) {
    this.memory = memory ?? new Int32Array(new SharedArrayBuffer(StopEvent.WORDS * Int32Array.BYTES_PER_ELEMENT));
  }

  /** Sets the event, and wakes every thread asleep in wait() at once. Setting it again changes nothing. */
  set(): void {
    Atomics.store(this.memory, 0, 1);
    Atomics.notify(this.memory, 0);
  }

  /** Whether the event is set. */
  isSet(): boolean {
    return Atomics.load(this.memory, 0) === 1;
  }

  /**
   * Sleeps until the event is set, or until `timeout` milliseconds have passed; returns isSet().
   * Returns at once if it is set already; never returns false before the timeout.
   */
  wait(timeout?: number): boolean {
    const deadline = performance.now() + (timeout ?? Infinity);
    while (!this.isSet()) {
      const remaining = deadline - performance.now();
      // Stryker disable next-line EqualityOperator: at exactly 0, Atomics.wait(..., 0) returns at once and the next turn returns false
      if (remaining <= 0) return false;
      // Sleeps only while the word is still 0: a set() between the check and the sleep is not missed.
      Atomics.wait(this.memory, 0, 0, remaining);
    }
    return true;
  }
}

/**
 * The program's main thread (Python's `if __name__ == "__main__":`): starts the heartbeat as a daemon
 * and the writers as ordinary threads; on SIGINT or SIGTERM stops gracefully (sets the stop event),
 * on a second signal exits at once with code 130; resolves once every writer has ended. After it
 * resolves, the program must end by itself: do not call process.exit() on the way out.
 */
export async function serve(service: Service): Promise<void> {
  const stop = new StopEvent();
  const onSignal = (): void => {
    // The second signal: the user will not wait. 130 = 128 + SIGINT (2), the shell's code for Ctrl-C.
    if (stop.isSet()) process.exit(130);
    // The first: every thread asleep in stop.wait() wakes now; writers finish the record in hand.
    stop.set();
  };
  // Before any thread starts: a signal that came earlier would end the program with Node's default.
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  service.startHeartbeat().unref(); // a daemon: the program does not wait for it
  const writers = Array.from({ length: service.writers }, (_, index) => service.startWriter(index, stop));
  // Python joins non-daemon threads at exit by itself; here serve() says when the work is over.
  await Promise.all(writers.map((writer) => new Promise((ended) => writer.once("exit", ended))));
}
