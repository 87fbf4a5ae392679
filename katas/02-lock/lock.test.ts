import { describe, test } from "vitest";
import { kataSuite } from "#threadkata/suite.ts";
import type * as scenarios from "./lock.scenarios.ts";

const lock = kataSuite<typeof scenarios>("02-lock", new URL("./lock.scenarios.ts", import.meta.url));

describe("02-lock: Lock", () => {
  test("releasing an unlocked lock throws; locked() tells the truth", () => lock.stress("releaseRules"));
  test("mutual exclusion: nothing is lost inside the critical section", () => lock.stress("mutualExclusion"));
  test("a second acquire() blocks (sleeps) while the lock is held", () => lock.stress("acquireBlocks"));
  test("every waiter gets the lock: no lost wakeup, with more threads than cores", () =>
    lock.stress("everyWaiterGetsIn"));
  test("tryAcquire() never blocks; acquire(0) takes a free lock", () => lock.stress("tryAcquire"));
  test("two threads calling tryAcquire() at the same instant: only one gets the lock", () =>
    lock.stress("tryAcquireRace"));
  test("acquire(timeout) gives up when the timeout expires, never before and not long after; acquire(0) never waits", () =>
    lock.stress("acquireTimesOut"));
  test("acquire(timeout) succeeds when the lock is released in time", () => lock.stress("acquireWithTimeoutSucceeds"));
  test("any thread may release the lock, not only the one that took it", () => lock.stress("releaseByAnotherThread"));
});
