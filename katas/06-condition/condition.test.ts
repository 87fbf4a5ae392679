import { describe, test } from "vitest";
import { kataSuite } from "#threadkata/suite.ts";
import type * as scenarios from "./condition.scenarios.ts";

const condition = kataSuite<typeof scenarios>("06-condition", new URL("./condition.scenarios.ts", import.meta.url));

describe("06-condition: Condition", () => {
  test("wait and notify without holding the lock throw; waitFor(true) returns at once", () => condition.stress("basics"));
  test("wait(timeout) and waitFor(predicate, timeout) give up when the timeout expires, never before", () => condition.stress("timeouts"));
  test("wait(timeout) returns true when notified in time", () => condition.stress("waitWithTimeoutNotified"));
  test("notify() wakes one waiter, notify(2) two more", () => condition.stress("notifyWakesOneAtATime"));
  test("notifyAll() wakes every waiter", () => condition.stress("notifyAllWakesEveryone"));
  test("a notify while the waiter is between releasing the lock and sleeping still wakes it", () => condition.stress("notifyInTheGapWakes"));
  test("notify(1) wakes the longest waiter only, not also one on its way to sleep", () => condition.stress("notifyInTheGapWakesOnlyOne"));
  test("ping-pong: two threads take turns 300 times, no wake-up lost", () => condition.stress("pingPong"));
  test("round robin: three threads take turns with notifyAll()", () => condition.stress("roundRobin"));
  test("waitFor() checks its predicate again after every wake-up", () => condition.stress("waitForChecksAgain"));
  test("notify storm: no one wakes without a notify, notify(n) wakes at most n", () => condition.stress("notifyStorm"));
});
