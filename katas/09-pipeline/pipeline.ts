// Kata 09: producers and consumers on your BoundedQueue from kata 08, stopped cleanly with
// sentinels. Read katas/09-pipeline/README.md first; the hints there get more specific one by one.
//
// This kata runs on your own queue (katas/08-queue/queue.ts): solve 08-queue first.

import type { BoundedQueue } from "#kata/08-queue/queue.ts";
import { NotImplementedError } from "#threadkata/errors.ts";

/** The item that means "no more work" (Python: None). Real items are numbers >= 0. */
export const SENTINEL = -1;

/** A producer thread's work: puts every item into the queue, in order, waiting while it is full. */
export function produce(queue: BoundedQueue, items: Iterable<number>): void {
  // TODO
  throw new NotImplementedError("09-pipeline", "produce()");
}

/**
 * A consumer thread's work: gets items and hands each to `handle`, until it gets a SENTINEL;
 * then returns how many real items it handled. Marks every item it gets done (taskDone()), so that
 * queue.join() works.
 */
export function consume(queue: BoundedQueue, handle: (item: number) => void): number {
  // TODO
  throw new NotImplementedError("09-pipeline", "consume()");
}

/**
 * Called once every producer has finished: makes every one of the `consumers` consumer threads
 * stop, after they have handled every real item.
 */
export function stopConsumers(queue: BoundedQueue, consumers: number): void {
  // TODO
  throw new NotImplementedError("09-pipeline", "stopConsumers()");
}
