import { describe, test } from "vitest";
import { kataSuite } from "#threadkata/suite.ts";
import type * as scenarios from "./semaphore.scenarios.ts";

const semaphore = kataSuite<typeof scenarios>("04-semaphore", new URL("./semaphore.scenarios.ts", import.meta.url));

describe("04-semaphore: Semaphore and BoundedSemaphore", () => {
  test("the constructor and release(n) follow Python's rules; tryAcquire() counts permits", () =>
    semaphore.stress("semaphoreRules"));
  test("tryAcquire() and acquire(0) never block", () => semaphore.stress("tryAcquireNeverBlocks"));
  test("a pool of 2, four threads: never more than 2 inside, no permit lost or created", () =>
    semaphore.stress("poolOfTwo"));
  test("a pool of 3, five threads: never more than 3 inside, no permit lost or created", () =>
    semaphore.stress("poolOfThree"));
  test("a BoundedSemaphore pool of 2, four threads: never more than 2 inside, no permit lost or created", () =>
    semaphore.stress("boundedPoolOfTwo"));
  test("the last permit: two threads reach for it together, one gets it", () => semaphore.stress("lastPermit"));
  test("release(3) wakes exactly 3 of 4 sleeping waiters, release(1) the last", () =>
    semaphore.stress("releaseWakesWaiters"));
  test("acquire(timeout) gives up when the timeout expires, never before and not long after", () =>
    semaphore.stress("acquireTimesOut"));
  test("acquire(timeout) succeeds when a permit is released in time", () =>
    semaphore.stress("acquireWithTimeoutSucceeds"));
  test("BoundedSemaphore: releasing above the initial value throws and changes nothing", () =>
    semaphore.stress("boundedRules"));
});
