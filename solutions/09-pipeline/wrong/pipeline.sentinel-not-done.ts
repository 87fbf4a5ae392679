// KNOWN WRONG: the consumer does not mark the sentinel done.
// Every get() needs its taskDone(), the sentinel's too: queue.join() waits until the count of
// unfinished items is back to 0, and with one taskDone() missing per consumer it never is.

import type { BoundedQueue } from "#kata/08-queue/queue.ts";

export const SENTINEL = -1;

export function produce(queue: BoundedQueue, items: Iterable<number>): void {
  for (const item of items) queue.put(item);
}

export function consume(queue: BoundedQueue, handle: (item: number) => void): number {
  let handled = 0;
  for (;;) {
    const item = queue.get();
    if (item === SENTINEL) return handled;
    handle(item);
    handled++;
    queue.taskDone();
  }
}

export function stopConsumers(queue: BoundedQueue, consumers: number): void {
  for (let i = 0; i < consumers; i++) queue.put(SENTINEL);
}
