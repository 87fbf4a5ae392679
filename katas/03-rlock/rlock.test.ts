import { describe, test } from "vitest";
import { kataSuite } from "#threadkata/suite.ts";
import type * as scenarios from "./rlock.scenarios.ts";

const rlock = kataSuite<typeof scenarios>("03-rlock", new URL("./rlock.scenarios.ts", import.meta.url));

describe("03-rlock: RLock", () => {
  test("the owner acquires again without blocking; as many releases free the lock", () => rlock.stress("reentrancy"));
  test("two acquires need two releases before another thread gets in", () => rlock.stress("releasesMatchAcquires"));
  test("release() by a thread that does not own the lock throws", () => rlock.stress("onlyTheOwnerReleases"));
  test("release() of a lock nobody holds throws", () => rlock.stress("releaseUnheldThrows"));
  test("mutual exclusion with nested acquires: nothing is lost inside the critical section", () =>
    rlock.stress("mutualExclusion"));
  test("every waiter gets the lock: no lost wakeup, with more threads than cores", () =>
    rlock.stress("everyWaiterGetsIn"));
  test("acquire() blocks (sleeps) while another thread holds the lock", () => rlock.stress("acquireBlocks"));
  test("tryAcquire() never blocks", () => rlock.stress("tryAcquire"));
  test("acquire(timeout) gives up when the timeout expires, never before and not long after; acquire(0) never waits", () =>
    rlock.stress("acquireTimesOut"));
  test("acquire(timeout) succeeds when the lock is released in time", () => rlock.stress("acquireWithTimeoutSucceeds"));
});
