// KNOWN RIGHT: the first signal swaps the handlers. Until a signal comes, SIGINT and SIGTERM go to
// a "stop gently" handler; it takes itself off both signals, puts a "stop now" handler
// (process.exit(130)) in its place, and sets the stop event. The handlers are swapped in one
// synchronous step, so no signal can slip between them. The writers are awaited one by one with
// events.once, each listened for from its start; the stop event's wait() goes by what Atomics.wait
// says, and by a deadline.

import { once } from "node:events";
import type { Worker } from "node:worker_threads";

export interface Service {
  readonly writers: number;
  startHeartbeat(): Worker;
  startWriter(index: number, stop: StopEvent): Worker;
}

const SET = 1;

export class StopEvent {
  static readonly WORDS = 1;
  readonly memory: Int32Array;

  constructor(memory?: Int32Array) {
    this.memory = memory ?? new Int32Array(new SharedArrayBuffer(StopEvent.WORDS * Int32Array.BYTES_PER_ELEMENT));
  }

  set(): void {
    // Only the call that sets it has sleepers to wake; later calls find it set.
    if (Atomics.exchange(this.memory, 0, SET) !== SET) Atomics.notify(this.memory, 0);
  }

  isSet(): boolean {
    return Atomics.load(this.memory, 0) === SET;
  }

  wait(timeout?: number): boolean {
    if (timeout === undefined) {
      while (Atomics.wait(this.memory, 0, 0) === "ok" && !this.isSet());
      return true;
    }
    const deadline = performance.now() + timeout;
    for (;;) {
      if (this.isSet()) return true;
      const remaining = deadline - performance.now();
      if (remaining <= 0) return false;
      Atomics.wait(this.memory, 0, 0, remaining);
    }
  }
}

export async function serve(service: Service): Promise<void> {
  const stop = new StopEvent();
  const now = (): never => process.exit(130);
  const gently = (): void => {
    for (const signal of ["SIGINT", "SIGTERM"] as const) {
      process.off(signal, gently);
      process.on(signal, now);
    }
    stop.set();
  };
  process.on("SIGINT", gently);
  process.on("SIGTERM", gently);

  const heartbeat = service.startHeartbeat();
  heartbeat.unref();
  // Listen for each writer's "exit" as it starts: one that ends while serve() awaits another
  // must not end unheard.
  const ended: Promise<unknown>[] = [];
  for (let index = 0; index < service.writers; index++) ended.push(once(service.startWriter(index, stop), "exit"));
  for (const exit of ended) await exit;
}
