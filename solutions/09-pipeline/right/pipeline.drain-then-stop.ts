// KNOWN RIGHT: drain first, then stop. stopConsumers() waits with queue.join() until every real
// item has been handled and marked done, and only then puts one SENTINEL per consumer; the
// consumers are idle by then, so each takes exactly one. The producers are done before
// stopConsumers() is called, so nothing new arrives while it waits.

import type { BoundedQueue } from "#kata/08-queue/queue.ts";

export const SENTINEL = -1;

export function produce(queue: BoundedQueue, items: Iterable<number>): void {
  const it = items[Symbol.iterator]();
  for (let next = it.next(); !next.done; next = it.next()) queue.put(next.value);
}

export function consume(queue: BoundedQueue, handle: (item: number) => void): number {
  let handled = 0;
  let item = queue.get();
  while (item !== SENTINEL) {
    try {
      handle(item);
    } finally {
      queue.taskDone();
    }
    handled++;
    item = queue.get();
  }
  queue.taskDone();
  return handled;
}

export function stopConsumers(queue: BoundedQueue, consumers: number): void {
  queue.join();
  for (let stopped = 0; stopped < consumers; stopped++) queue.put(SENTINEL);
}
