// KNOWN WRONG: consumers stop when the queue is empty, not at the sentinel.
// An empty queue only means the consumers are ahead of the producers for a moment; the consumers
// leave, and the items put after that are never handled.

import type { BoundedQueue } from "#kata/08-queue/queue.ts";

export const SENTINEL = -1;

export function produce(queue: BoundedQueue, items: Iterable<number>): void {
  for (const item of items) queue.put(item);
}

export function consume(queue: BoundedQueue, handle: (item: number) => void): number {
  let handled = 0;
  for (;;) {
    let item: number;
    try {
      item = queue.getNowait();
    } catch {
      return handled;
    }
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
