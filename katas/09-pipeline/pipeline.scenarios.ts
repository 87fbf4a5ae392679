// The pipeline kata's scenarios. They run inside worker threads (see harness/scenario.ts).
// Actor 0 plays the tutorial's main thread: it waits for the producers, stops the consumers and
// joins the queue; the other actors are the producer and consumer threads.

import { BoundedQueue } from "#kata/08-queue/queue.ts";
import { consume, produce, SENTINEL, stopConsumers } from "#kata/09-pipeline/pipeline.ts";
import { acceptable, forbidden, rule, scenario, type Actor, type ActorContext, type SharedMemory } from "#threadkata/scenario.ts";

interface Shape {
  producers: number;
  consumers: number;
  itemsEach: number;
  capacity: number;
}

interface Shared {
  queue: BoundedQueue;
  /** How many times each item was handled; item numbers are producer * itemsEach + k. */
  handled: Int32Array;
  /** Indexed by Count. */
  counts: Int32Array;
}

const Count = {
  producersDone: 0,
  consumersReturned: 1,
  /** The sum of what consume() returned. */
  reported: 2,
  stopCalled: 3,
} as const;

function pipeline({ producers, consumers, itemsEach, capacity }: Shape) {
  const total = producers * itemsEach;
  const count = (shared: Shared, word: number) => Atomics.load(shared.counts, word);

  const main: Actor<Shared, undefined> = (shared, ctx) => {
    const { queue } = shared;
    ctx.until(
      () => count(shared, Count.producersDone) === producers || count(shared, Count.consumersReturned) > 0,
      `the ${producers} producer(s) finished`,
    );
    rule(
      count(shared, Count.consumersReturned) === 0,
      "a consumer's consume() returned before stopConsumers() was called: a consumer stops at a sentinel only. " +
        "An empty queue does not mean the work is over; the producers may just be slower.",
    );
    ctx.at(`stopConsumers(queue, ${consumers})`);
    Atomics.store(shared.counts, Count.stopCalled, 1);
    stopConsumers(queue, consumers);
    ctx.at("queue.join() after stopConsumers() (it waits for a taskDone() per item, sentinels too)");
    queue.join();
    ctx.until(() => count(shared, Count.consumersReturned) === consumers, `all ${consumers} consumer(s) returned from consume()`);
    rule(queue.isEmpty(), `after every consumer stopped, the queue still holds ${queue.size()} item(s): one sentinel per consumer, no more`);
  };

  const producer = (p: number): Actor<Shared, undefined> => (shared, ctx) => {
    const items = Array.from({ length: itemsEach }, (_, k) => p * itemsEach + k);
    ctx.at("produce()");
    produce(shared.queue, items);
    Atomics.add(shared.counts, Count.producersDone, 1);
  };

  const consumer: Actor<Shared, undefined> = (shared, ctx: ActorContext) => {
    ctx.at("consume()");
    const handledHere = consume(shared.queue, (item) => {
      rule(item !== SENTINEL, "consume() handed the SENTINEL to handle(): it means stop, it is not an item");
      rule(Number.isInteger(item) && item >= 0 && item < total, `consume() handed ${item} to handle(), which no producer put (items are 0..${total - 1})`);
      const times = Atomics.add(shared.handled, item, 1) + 1;
      rule(times === 1, `item ${item} was handled ${times} times: each item is handled exactly once`);
      if (ctx.random() < 0.05) ctx.pause(20);
    });
    Atomics.add(shared.counts, Count.reported, handledHere);
    Atomics.add(shared.counts, Count.consumersReturned, 1);
  };

  return scenario<Shared>({
    state: (memory: SharedMemory) => ({
      queue: new BoundedQueue(capacity, memory.int32(BoundedQueue.words(capacity))),
      handled: memory.int32(total),
      counts: memory.int32(4),
    }),
    reset: ({ queue, handled, counts }) => {
      queue.memory.fill(0);
      handled.fill(0);
      counts.fill(0);
    },
    actors: [main, ...Array.from({ length: producers }, (_, p) => producer(p)), ...Array.from({ length: consumers }, () => consumer)],
    arbiter: ({ handled, counts }) => {
      const lost = [...handled].flatMap((times, item) => (times === 0 ? [item] : []));
      if (lost.length > 0) return forbidden("items lost", `${lost.length} of ${total} items were never handled, e.g. ${lost.slice(0, 5).join(", ")}`);
      const reported = Atomics.load(counts, Count.reported);
      if (reported !== total) return forbidden("miscounted", `the consumers' consume() calls returned ${reported} in all; they handled ${total}`);
      return acceptable("every item once");
    },
    repetitions: 30,
  });
}

export const oneToOne = pipeline({ producers: 1, consumers: 1, itemsEach: 200, capacity: 4 });
export const twoToTwo = pipeline({ producers: 2, consumers: 2, itemsEach: 100, capacity: 4 });
export const oneToThree = pipeline({ producers: 1, consumers: 3, itemsEach: 200, capacity: 4 });
export const threeToOne = pipeline({ producers: 3, consumers: 1, itemsEach: 60, capacity: 4 });
export const twoToFourSmallQueue = pipeline({ producers: 2, consumers: 4, itemsEach: 100, capacity: 1 });
