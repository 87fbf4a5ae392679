// KNOWN RIGHT: one stop item that carries how many consumers it has still to stop. stopConsumers()
// puts -n after the last real item; the consumer that gets -k (k > 1) puts -(k - 1) back for the
// next one and stops; whoever gets -1 (the SENTINEL) is the last and puts nothing back. So the
// queue ends empty, each consumer takes one stop item, and every get() (the stop items' too) is
// matched by a taskDone(); a consumer re-posts before it marks its own stop item done, so join()
// cannot see 0 while a stop is still on its way.

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
      if (item < 0) {
        // Only consumers are left to put, and this one just took a slot, so there is room.
        if (item < SENTINEL) queue.put(item + 1);
        return handled;
      }
      handle(item);
      handled++;
    } finally {
      queue.taskDone();
    }
  }
}

export function stopConsumers(queue: BoundedQueue, consumers: number): void {
  if (consumers > 0) queue.put(-consumers);
}
