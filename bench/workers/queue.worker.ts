// Kata 08's BoundedQueue: producers put numbers until the time is up, consumers get them until
// each has taken a sentinel (-1), which the last producer to stop puts, one per consumer.

import type { MessagePort } from "node:worker_threads";
import { now, startLine, stopAll, stopped, type Timed } from "./control.ts";

interface QueueLike {
  put(item: number, timeout?: number): void;
  get(timeout?: number): number;
}

export interface QueueSubject {
  BoundedQueue: { words(capacity: number): number; new (capacity: number, memory?: Int32Array): QueueLike };
}

export interface QueueInput {
  control: Int32Array;
  /** Word 0: producers that have stopped. */
  sync: Int32Array;
  memory: Int32Array;
  capacity: number;
  producers: number;
  consumers: number;
  durationMs: number;
  port?: MessagePort;
}

export function tasks({ BoundedQueue }: QueueSubject) {
  const make = ({ memory, capacity }: QueueInput) => {
    const words = BoundedQueue.words(capacity);
    if (words > memory.length)
      throw new Error(`BoundedQueue.words(${capacity}) is ${words}; the benchmark gives it ${memory.length}`);
    return new BoundedQueue(capacity, memory.subarray(0, words));
  };
  const those = {
    probe(input: QueueInput): number {
      const queue = make(input);
      queue.put(7);
      return queue.get();
    },

    producer(input: QueueInput): Timed {
      const queue = make(input);
      const { control, sync, durationMs } = input;
      startLine(control);
      const start = now();
      const deadline = start + durationMs * 1e6;
      let ops = 0;
      while (!stopped(control)) {
        queue.put(ops & 0x3fffffff);
        if ((++ops & 63) === 0 && now() >= deadline) stopAll(control);
      }
      const end = now();
      if (Atomics.add(sync, 0, 1) === input.producers - 1) {
        for (let i = 0; i < input.consumers; i++) queue.put(-1);
      }
      return { ops, start, end };
    },

    consumer(input: QueueInput): Timed {
      const queue = make(input);
      startLine(input.control);
      const start = now();
      let ops = 0;
      while (queue.get() >= 0) ops++;
      return { ops, start, end: now() };
    },
  };
  return {
    ...those,
    /** Producer or consumer, as the input says: one task name for a run with both roles. */
    role: (input: QueueInput & { role: "producer" | "consumer" }) =>
      input.role === "producer" ? those.producer(input) : those.consumer(input),
  };
}
