import { describe, test } from "vitest";
import { kataSuite } from "#threadkata/suite.ts";
import type * as scenarios from "./event.scenarios.ts";

const event = kataSuite<typeof scenarios>("05-event", new URL("./event.scenarios.ts", import.meta.url));

describe("05-event: Event", () => {
  test("set(), clear() and isSet() basics", () => event.stress("basics"));
  test("wait() after set() returns true at once, without sleeping", () => event.stress("waitAfterSetReturnsAtOnce"));
  test("one set() wakes every waiter", () => event.stress("setWakesEveryWaiter"));
  test("a waiter asleep during set() returns true even if clear() follows at once", () =>
    event.stress("setThenClearStillWakes"));
  test("clear() makes later waits block again", () => event.stress("clearMakesWaitBlock"));
  test("wait(timeout) gives up when the timeout expires, never before and not long after", () =>
    event.stress("waitTimesOut"));
  test("wait(timeout) returns true when the event is set in time", () => event.stress("waitWithTimeoutSucceeds"));
  test("stop signal: a background loop on wait(1) stops only when told", () => event.stress("stopSignal"));
  test("start signal, round after round: every set() wakes every worker", () => event.stress("startSignalRounds"));
  test("set() and clear() from two threads while two others wait", () => event.stress("toggleWhileWaiting"));
});
