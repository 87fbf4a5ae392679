import { describe, test } from "vitest";
import { kataSuite } from "#threadkata/suite.ts";
import type * as scenarios from "./pipeline.scenarios.ts";

const pipeline = kataSuite<typeof scenarios>("09-pipeline", new URL("./pipeline.scenarios.ts", import.meta.url));

describe("09-pipeline: producers, consumers and sentinels", () => {
  test("1 producer, 1 consumer: every item handled once, the consumer stops", () => pipeline.stress("oneToOne"));
  test("2 producers, 2 consumers", () => pipeline.stress("twoToTwo"));
  test("1 producer, 3 consumers: more consumers than producers, every one stops", () => pipeline.stress("oneToThree"));
  test("3 producers, 1 consumer", () => pipeline.stress("threeToOne"));
  test("2 producers, 4 consumers through a queue of one item", () => pipeline.stress("twoToFourSmallQueue"));
  test("a producer with nothing to produce: the consumers stop, having handled nothing", () =>
    pipeline.stress("noWork"));
  test("one thread: produce(), consume() in order up to its sentinel, stopConsumers(queue, n) for n = 0 and 3", () =>
    pipeline.stress("oneThread"));
  test("handle() throws: consume() marks the item done and passes the error on", () => pipeline.stress("handleThrows"));
});
