import { describe, test } from "vitest";
import { kataSuite } from "#threadkata/suite.ts";
import type * as scenarios from "./barrier.scenarios.ts";

const barrier = kataSuite<typeof scenarios>("07-barrier", new URL("./barrier.scenarios.ts", import.meta.url));

describe("07-barrier: Barrier", () => {
  test("parties, nWaiting, broken, abort() and reset() on one thread; a barrier for one; the limits of parties", () =>
    barrier.stress("basics"));
  test("two threads arriving in the same instant: the first still sees its release", () =>
    barrier.stress("simultaneousArrivals"));
  test("wait() blocks (sleeps) until the last party arrives, then releases everyone; indices in order of arrival", () =>
    barrier.stress("waitBlocks"));
  test("nobody passes before every party has arrived, generation after generation", () =>
    barrier.stress("nobodyPassesEarly"));
  test("indices are a permutation of 0..parties-1 in every generation (4 threads, 200 generations)", () =>
    barrier.stress("indicesPermutation"));
  test("the action runs once per generation, in the last thread to arrive, before anyone is released", () =>
    barrier.stress("actionOncePerGeneration"));
  test("more threads than parties: they pass in groups of parties", () => barrier.stress("moreThreadsThanParties"));
  test("abort() breaks the barrier for the waiters and for later waits, until reset()", () =>
    barrier.stress("abortBreaks"));
  test("reset() while threads wait: they get BrokenBarrierError, and the barrier is usable at once", () =>
    barrier.stress("resetBreaksWaiters"));
  test("wait(timeout) breaks the barrier when it expires: never before, and soon after (also the default timeout)", () =>
    barrier.stress("timeoutBreaks"));
  test("a timeout during the action: the generation passes whole or not at all", () =>
    barrier.stress("timeoutDuringAction"));
  test("abort() at the same instant as arrivals is never lost", () => barrier.stress("abortAtTheSameInstant"));
  test("abort() while two threads pass generation after generation is never lost", () =>
    barrier.stress("abortWhileGenerationsPass"));
  test("an action that throws breaks the barrier; after reset() it is usable again", () =>
    barrier.stress("actionThrows"));
});
