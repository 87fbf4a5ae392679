// KNOWN RIGHT: counts instead of flags. The handler counts the signals it has seen (the first sets
// the stop event, any later one exits with 130), so it does not ask the event whether this is the
// second signal; serve() counts the writers still running down on each "exit" and resolves at 0.
// The heartbeat is made a daemon before the writers start. The stop event's wait() measures its
// deadline once and sleeps for what is left after every wake-up.

import type { Worker } from "node:worker_threads";

export interface Service {
  readonly writers: number;
  startHeartbeat(): Worker;
  startWriter(index: number, stop: StopEvent): Worker;
}

export class StopEvent {
  static readonly WORDS = 1;
  readonly memory: Int32Array;

  constructor(memory?: Int32Array) {
    this.memory = memory ?? new Int32Array(new SharedArrayBuffer(StopEvent.WORDS * Int32Array.BYTES_PER_ELEMENT));
  }

  set(): void {
    Atomics.store(this.memory, 0, 1);
    Atomics.notify(this.memory, 0, Infinity);
  }

  isSet(): boolean {
    return Atomics.load(this.memory, 0) !== 0;
  }

  wait(timeout = Infinity): boolean {
    const deadline = performance.now() + timeout;
    let remaining = timeout;
    while (Atomics.load(this.memory, 0) === 0 && remaining > 0) {
      Atomics.wait(this.memory, 0, 0, remaining);
      remaining = deadline - performance.now();
    }
    return this.isSet();
  }
}

export function serve(service: Service): Promise<void> {
  const stop = new StopEvent();
  let signals = 0;
  const onSignal = (): void => {
    signals += 1;
    if (signals > 1) process.exit(130);
    stop.set();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  service.startHeartbeat().unref();
  return new Promise((resolve) => {
    let running = service.writers;
    if (running === 0) return resolve();
    for (let index = 0; index < service.writers; index++) {
      service.startWriter(index, stop).once("exit", () => {
        running -= 1;
        if (running === 0) resolve();
      });
    }
  });
}
