import { describe, test } from "vitest";
import { kataSuite } from "#threadkata/suite.ts";
import type * as scenarios from "./condition.scenarios.ts";

const condition = kataSuite<typeof scenarios>("06-condition", new URL("./condition.scenarios.ts", import.meta.url));

describe("06-condition: Condition", () => {
  test("wait and notify without holding the lock throw; waitFor(true) returns at once", () =>
    condition.stress("basics"));
  test("wait(timeout) and waitFor(predicate, timeout) give up when the timeout expires: never before, and soon after", () =>
    condition.stress("timeouts"));
  test("wait(timeout) returns true when notified in time", () => condition.stress("waitWithTimeoutNotified"));
  test("notify() wakes one waiter, notify(2) two more", () => condition.stress("notifyWakesOneAtATime"));
  test("notifyAll() wakes every waiter", () => condition.stress("notifyAllWakesEveryone"));
  test("a notify while the waiter is between releasing the lock and sleeping still wakes it", () =>
    condition.stress("notifyInTheGapWakes"));
  test("notify(1) wakes the longest waiter only, not also one on its way to sleep", () =>
    condition.stress("notifyInTheGapWakesOnlyOne"));
  test("ping-pong: two threads take turns 300 times, no wake-up lost", () => condition.stress("pingPong"));
  test("round robin: three threads take turns with notifyAll()", () => condition.stress("roundRobin"));
  test("waitFor() checks its predicate again after every wake-up", () => condition.stress("waitForChecksAgain"));
  test("notify() wakes the longest-waiting thread first; a waiter that timed out leaves the line in order", () =>
    condition.stress("fifoOrder"));
  test("notify(1) is not lost on a waiter whose timeout expired: it returns true, or the next waiter wakes", () =>
    condition.stress("notifySkipsTimedOut"));
  test("notify(0) wakes nobody; notify(5) with three waiting wakes all three", () => condition.stress("notifyCounts"));
  test("wait(), waitFor() and notify() that threw without the lock leave no trace", () =>
    condition.stress("misuseLeavesNoTrace"));
  test("waitFor(predicate, timeout): the timeout is for the whole call, however often it is woken", () =>
    condition.stress("waitForTimeoutIsWhole"));
  test("notify storm: no one wakes without a notify, notify(n) wakes at most n", () => condition.stress("notifyStorm"));
});
