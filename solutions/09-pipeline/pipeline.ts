// Reference: the tutorials' producer/consumer pipeline, stopped by sentinels ("poison pills").
// Each consumer stops at the first sentinel it gets, so it takes exactly one: M consumers need M
// sentinels, put after the last real item. Every get(), the sentinel's included, is matched by a
// taskDone(), so queue.join() can tell when everything put has been handled.

import type { BoundedQueue } from "#kata/08-queue/queue.ts";

export const SENTINEL = -1;

export function produce(queue: BoundedQueue, items: Iterable<number>): void {
  for (const item of items) queue.put(item);
}

export function consume(queue: BoundedQueue, handle: (item: number) => void): number {
  let handled = 0;
  for (;;) {
    const item = queue.get();
    try {
      if (item === SENTINEL) return handled;
      handle(item);
      handled++;
    } finally {
      queue.taskDone();
    }
  }
}

export function stopConsumers(queue: BoundedQueue, consumers: number): void {
  for (let i = 0; i < consumers; i++) queue.put(SENTINEL);
}
