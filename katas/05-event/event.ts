// Kata 05: build an Event (Python's threading.Event) on one word of shared memory.
// Read katas/05-event/README.md first; the hints there get more specific one by one.

import { NotImplementedError } from "#threadkata/errors.ts";

export class Event {
  /** How many 32-bit words of shared memory one event needs. */
  static readonly WORDS = 1;

  /**
   * The event's shared memory: hand it to another thread (postMessage, workerData) and build
   * `new Event(memory)` there to use the same event.
   */
  readonly memory: Int32Array;

  /**
   * A new event, not set; or, given the memory of an existing event, that same event (unchanged).
   * Zero-filled memory is an event that is not set.
   */
  constructor(memory?: Int32Array) {
    this.memory = memory ?? new Int32Array(new SharedArrayBuffer(Event.WORDS * Int32Array.BYTES_PER_ELEMENT));
  }

  /** Sets the flag and wakes every thread waiting in wait(). Setting a set event changes nothing. */
  set(): void {
    // TODO: set the flag in the shared word, then wake all sleepers with Atomics.notify.
    throw new NotImplementedError("05-event", "set()");
  }

  /** Resets the flag: wait() blocks again until the next set(). */
  clear(): void {
    // TODO
    throw new NotImplementedError("05-event", "clear()");
  }

  /** Whether the flag is set right now (Python: is_set()). */
  isSet(): boolean {
    // TODO
    throw new NotImplementedError("05-event", "isSet()");
  }

  /**
   * Returns true at once if the flag is set; otherwise blocks until set() is called, and returns
   * true, even if the flag was cleared again before this thread woke up. With a timeout
   * (milliseconds), returns false when it expires without a set(), never before.
   */
  wait(timeout?: number): boolean {
    // TODO: if the flag is not set, sleep with Atomics.wait until a set() changes the word.
    throw new NotImplementedError("05-event", "wait()");
  }
}
