import { describe, test } from "vitest";
import { kataSuite } from "#threadkata/suite.ts";
import type * as scenarios from "./queue.scenarios.ts";

const queue = kataSuite<typeof scenarios>("08-queue", new URL("./queue.scenarios.ts", import.meta.url));

describe("08-queue: BoundedQueue", () => {
  test("capacity 1: FIFO around the ring, size(), the nowait errors, taskDone() counts, any 32-bit item", () =>
    queue.stress("basicsCapacity1"));
  test("capacity 1024: the same", () => queue.stress("basicsCapacity1024"));
  test("get(timeout) and put(item, timeout) give up when the timeout expires: never before, and soon after; they take and add nothing", () =>
    queue.stress("timeouts"));
  test("get() and get(timeout) on an empty queue block until an item arrives", () =>
    queue.stress("getBlocksWhileEmpty"));
  test("put() and put(item, timeout) on a full queue block until there is room", () =>
    queue.stress("putBlocksWhileFull"));
  test("join() waits for taskDone() of every item, not for an empty queue", () =>
    queue.stress("joinWaitsForEveryTask"));
  test("join() in two threads: the last taskDone() wakes both", () => queue.stress("joinWakesEveryJoiner"));
  test("2 producers, 2 consumers, capacity 1: nothing lost or duplicated, linearizable", () =>
    queue.stress("stormCapacity1"));
  test("1 producer, 2 consumers, capacity 1", () => queue.stress("stormOneProducerTwoConsumers"));
  test("1 producer, 3 consumers, capacity 4", () => queue.stress("stormManyConsumers"));
  test("3 producers, 1 consumer, capacity 2", () => queue.stress("stormManyProducers"));
  test("2 producers, 2 consumers, capacity 1024", () => queue.stress("stormLarge"));
});
