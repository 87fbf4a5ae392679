// Kata 12: daemon threads and graceful shutdown. Read katas/12-shutdown/README.md first.
// The TODOs are yours. program.ts (the program around serve(): the threads' code, the file, the
// options) is ready; read it, do not change it.

import type { Worker } from "node:worker_threads";
import { NotImplementedError } from "#threadkata/errors.ts";

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
    // TODO: store the flag, then wake every sleeper.
    throw new NotImplementedError("12-shutdown", "StopEvent.set()");
  }

  /** Whether the event is set. */
  isSet(): boolean {
    // TODO
    throw new NotImplementedError("12-shutdown", "StopEvent.isSet()");
  }

  /**
   * Sleeps until the event is set, or until `timeout` milliseconds have passed; returns isSet().
   * Returns at once if it is set already; never returns false before the timeout.
   */
  wait(timeout?: number): boolean {
    // TODO: sleep in Atomics.wait on the flag word, in a loop, against a deadline.
    throw new NotImplementedError("12-shutdown", "StopEvent.wait()");
  }
}

/**
 * The program's main thread (Python's `if __name__ == "__main__":`): starts the heartbeat as a daemon
 * and the writers as ordinary threads; on SIGINT or SIGTERM stops gracefully (sets the stop event),
 * on a second signal exits at once with code 130; resolves once every writer has ended. After it
 * resolves, the program must end by itself: do not call process.exit() on the way out.
 */
export async function serve(service: Service): Promise<void> {
  // TODO: a StopEvent; the signal handlers (before any thread starts); the heartbeat, as a daemon
  // (worker.unref()); the writers; then wait for each writer's "exit".
  throw new NotImplementedError("12-shutdown", "serve()");
}
