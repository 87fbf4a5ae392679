// The queue's baseline: numbers posted over a MessageChannel from a producer to its consumer. A
// channel has no capacity, so one is made with credits: the producer may have `capacity` items in
// flight, and the consumer hands credits back every capacity/2 items. With 2:2, each producer has
// its own consumer (two channels), where the queue is one structure shared by all four.

import { now, startLine, stopAll, stopped, type Timed } from "./control.ts";
import type { QueueInput } from "./queue.worker.ts";

export function tasks(_subject: unknown) {
  const those = {
    probe(): number {
      return 7;
    },

    async producer({ control, port, capacity, durationMs }: QueueInput): Promise<Timed> {
      let credits = capacity;
      let credited: (() => void) | undefined;
      port!.on("message", (n: number) => {
        credits += n;
        credited?.();
      });
      startLine(control);
      const start = now();
      const deadline = start + durationMs * 1e6;
      let ops = 0;
      while (!stopped(control)) {
        while (credits > 0) {
          port!.postMessage(ops);
          credits--;
          if ((++ops & 63) === 0 && now() >= deadline) stopAll(control);
        }
        await new Promise<void>((resolve) => (credited = resolve));
      }
      const end = now();
      port!.postMessage(-1);
      port!.close();
      return { ops, start, end };
    },

    consumer({ control, port, capacity }: QueueInput): Promise<Timed> {
      const batch = Math.max(1, Math.floor(capacity / 2));
      return new Promise((resolve) => {
        let ops = 0;
        let owed = 0;
        let start = 0;
        port!.on("message", (item: number) => {
          if (item < 0) {
            resolve({ ops, start, end: now() });
            port!.close();
            return;
          }
          ops++;
          if (++owed === batch) {
            port!.postMessage(owed);
            owed = 0;
          }
        });
        startLine(control);
        start = now();
      });
    },
  };
  return {
    ...those,
    /** Producer or consumer, as the input says: one task name for a run with both roles. */
    role: (input: QueueInput & { role: "producer" | "consumer" }) =>
      input.role === "producer" ? those.producer(input) : those.consumer(input),
  };
}
