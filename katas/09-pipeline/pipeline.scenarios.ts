// The pipeline kata's scenarios. They run inside worker threads (see harness/scenario.ts).
// Actor 0 plays the tutorial's main thread: it waits for the producers, stops the consumers and
// joins the queue; the other actors are the producer and consumer threads.

import { BoundedQueue } from "#kata/08-queue/queue.ts";
import { consume, produce, SENTINEL, stopConsumers } from "#kata/09-pipeline/pipeline.ts";
import {
  acceptable,
  forbidden,
  rule,
  scenario,
  type Actor,
  type ActorContext,
  type SharedMemory,
} from "#threadkata/scenario.ts";

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
    ctx.until(
      () => count(shared, Count.consumersReturned) === consumers,
      `all ${consumers} consumer(s) returned from consume()`,
    );
    rule(
      queue.isEmpty(),
      `after every consumer stopped, the queue still holds ${queue.size()} item(s): one sentinel per consumer, no more`,
    );
  };

  const producer =
    (p: number): Actor<Shared, undefined> =>
    (shared, ctx) => {
      // Every other producer hands its items as a generator: produce() takes any iterable.
      const items =
        p % 2 === 0
          ? Array.from({ length: itemsEach }, (_, k) => p * itemsEach + k)
          : counting(p * itemsEach, itemsEach);
      ctx.at("produce()");
      produce(shared.queue, items);
      Atomics.add(shared.counts, Count.producersDone, 1);
    };

  const consumer: Actor<Shared, undefined> = (shared, ctx: ActorContext) => {
    ctx.at("consume()");
    // The last item this consumer got from each producer: a producer puts its items in order,
    // the queue keeps them in order, so each consumer sees each producer's items in order.
    const last = new Array<number>(producers).fill(-1);
    let calls = 0;
    const handledHere = consume(shared.queue, (item) => {
      rule(item !== SENTINEL, "consume() handed the SENTINEL to handle(): it means stop, it is not an item");
      rule(
        Number.isInteger(item) && item >= 0 && item < total,
        `consume() handed ${item} to handle(), which no producer put (items are 0..${total - 1})`,
      );
      const times = Atomics.add(shared.handled, item, 1) + 1;
      rule(times === 1, `item ${item} was handled ${times} times: each item is handled exactly once`);
      const from = Math.floor(item / itemsEach);
      rule(
        item > last[from]!,
        `this consumer got item ${item} after item ${last[from]} of the same producer: produce() puts its items in the order given, and the queue keeps them in order`,
      );
      last[from] = item;
      calls++;
      if (ctx.random() < 0.05) ctx.pause(20);
    });
    rule(
      handledHere === calls,
      `consume() returned ${handledHere}, but it handed ${calls} item(s) to handle(): it returns how many real items it handled`,
    );
    Atomics.add(shared.counts, Count.reported, handledHere);
    Atomics.add(shared.counts, Count.consumersReturned, 1);
  };

  return scenario<Shared>({
    state: (memory: SharedMemory) => ({
      queue: new BoundedQueue(capacity, memory.int32(BoundedQueue.words(capacity))),
      handled: memory.int32(Math.max(1, total)),
      counts: memory.int32(4),
    }),
    reset: ({ queue, handled, counts }) => {
      queue.memory.fill(0);
      handled.fill(0);
      counts.fill(0);
    },
    actors: [
      main,
      ...Array.from({ length: producers }, (_, p) => producer(p)),
      ...Array.from({ length: consumers }, () => consumer),
    ],
    arbiter: ({ handled, counts }) => {
      const lost = [...handled].slice(0, total).flatMap((times, item) => (times === 0 ? [item] : []));
      if (lost.length > 0)
        return forbidden(
          "items lost",
          `${lost.length} of ${total} items were never handled, e.g. ${lost.slice(0, 5).join(", ")}`,
        );
      const reported = Atomics.load(counts, Count.reported);
      if (reported !== total)
        return forbidden(
          "miscounted",
          `the consumers' consume() calls returned ${reported} in all; they handled ${total}`,
        );
      return acceptable("every item once");
    },
    repetitions: 30,
  });
}

/** A producer's items one by one, as a generator (an iterable with no length and no indexing). */
function* counting(from: number, count: number): Generator<number> {
  for (let k = 0; k < count; k++) yield from + k;
}

export const oneToOne = pipeline({ producers: 1, consumers: 1, itemsEach: 200, capacity: 4 });
export const twoToTwo = pipeline({ producers: 2, consumers: 2, itemsEach: 100, capacity: 4 });
export const oneToThree = pipeline({ producers: 1, consumers: 3, itemsEach: 200, capacity: 4 });
export const threeToOne = pipeline({ producers: 3, consumers: 1, itemsEach: 60, capacity: 4 });
export const twoToFourSmallQueue = pipeline({ producers: 2, consumers: 4, itemsEach: 100, capacity: 1 });
/** A producer with no items: the consumers stop at their sentinels, having handled nothing. */
export const noWork = pipeline({ producers: 1, consumers: 2, itemsEach: 0, capacity: 2 });

/**
 * One thread, on a queue of its own: produce() of nothing puts nothing; stopConsumers(queue, 0)
 * puts nothing; consume() of 0, 5, 3 and a SENTINEL hands them to handle() in order and returns 3;
 * stopConsumers(queue, 3) on an idle queue makes exactly three consume() calls stop. (A design
 * may wait in stopConsumers() until the work is done, so it is called here only when it is.)
 */
export const oneThread = scenario<{ queue: BoundedQueue }>({
  state: (memory) => ({ queue: new BoundedQueue(4, memory.int32(BoundedQueue.words(4))) }),
  reset: ({ queue }) => queue.memory.fill(0),
  actors: [
    ({ queue }, ctx) => {
      ctx.at("produce(queue, [])");
      produce(queue, []);
      rule(queue.isEmpty(), `produce(queue, []) put ${queue.size()} item(s): it puts exactly the items given`);
      ctx.at("stopConsumers(queue, 0)");
      stopConsumers(queue, 0);
      rule(queue.isEmpty(), `stopConsumers(queue, 0) put ${queue.size()} item(s): there is no consumer to stop`);
      ctx.at("produce(queue, [0, 5, 3])");
      produce(queue, [0, 5, 3]);
      rule(
        queue.size() === 3,
        `produce(queue, [0, 5, 3]) left ${queue.size()} item(s) in the queue: it puts every item`,
      );
      queue.put(SENTINEL);
      const seen: number[] = [];
      ctx.at("consume() of 0, 5, 3 and a SENTINEL");
      const handled = consume(queue, (item) => void seen.push(item));
      rule(
        seen.join(",") === "0,5,3",
        `consume() handed ${seen.join(", ") || "nothing"} to handle(); the items were 0, 5, 3, in that order`,
      );
      rule(handled === 3, `consume() returned ${handled}; it handled 3 items`);
      rule(
        queue.isEmpty(),
        `consume() left ${queue.size()} item(s) in the queue: it stops at the first SENTINEL, and takes nothing after it`,
      );
      ctx.at("queue.join() after consume() stopped");
      queue.join();
      ctx.at("stopConsumers(queue, 3), then three consume() calls");
      stopConsumers(queue, 3);
      for (let i = 0; i < 3; i++) {
        const none = consume(queue, (item) =>
          rule(false, `consume() handed ${item} to handle(); only sentinels were in the queue`),
        );
        rule(none === 0, `consume() returned ${none}; it handled nothing`);
      }
      rule(
        queue.isEmpty(),
        `stopConsumers(queue, 3) put more than 3 sentinels: ${queue.size()} item(s) left after three consumers stopped`,
      );
      queue.join();
    },
  ],
  repetitions: 5,
});

/**
 * handle() throws for one item: consume() marks that item done and throws the error on (Python's
 * try/finally around task_done()); the consumer starts consume() again and finishes the work, and
 * queue.join() returns.
 */
export const handleThrows = scenario<{ queue: BoundedQueue; counts: Int32Array }>({
  state: (memory) => ({ queue: new BoundedQueue(4, memory.int32(BoundedQueue.words(4))), counts: memory.int32(2) }),
  reset: ({ queue, counts }) => {
    queue.memory.fill(0);
    counts.fill(0);
  },
  actors: [
    ({ queue, counts }, ctx) => {
      ctx.at("produce(queue, 0..19)");
      produce(queue, counting(0, 20));
      ctx.at("stopConsumers(queue, 1)");
      stopConsumers(queue, 1);
      ctx.at("queue.join() (item 7's handle() threw)");
      queue.join();
      ctx.until(() => Atomics.load(counts, 1) === 1, "the consumer returned");
    },
    ({ queue, counts }, ctx) => {
      let handled = 0;
      const handle = (item: number) => {
        if (item === 7) throw new Error("handle(7) failed");
        handled++;
      };
      ctx.at("consume(), whose handle() throws for item 7");
      let thrown: unknown;
      try {
        handled += 0 * consume(queue, handle);
      } catch (error) {
        if (error instanceof Error && error.name === "NotImplementedError") throw error;
        thrown = error;
      }
      rule(
        thrown instanceof Error && thrown.message === "handle(7) failed",
        `consume() ${thrown === undefined ? "returned" : `threw ${String(thrown)}`} when handle(7) threw: it must mark the item done and pass handle()'s error on`,
      );
      ctx.at("consume() again, after the failure");
      const rest = consume(queue, handle);
      rule(
        rest === 12 && handled === 19,
        `the second consume() returned ${rest} and handled ${handled - 7} more: items 8..19 (12 of them) were left`,
      );
      Atomics.store(counts, 1, 1);
    },
  ],
  repetitions: 10,
});
