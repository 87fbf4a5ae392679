// KNOWN WRONG: one sentinel for all the consumers.
// The first consumer to get it stops; the others sleep in get() for ever, waiting for an item
// nobody will put.

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
  queue.put(SENTINEL);
}
