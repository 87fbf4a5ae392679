import { describe, test } from "vitest";
import { kataSuite } from "#threadkata/suite.ts";
import type * as scenarios from "./rwlock.scenarios.ts";

const rwlock = kataSuite<typeof scenarios>("16-rwlock", new URL("./rwlock.scenarios.ts", import.meta.url));

describe("16-rwlock: RWLock", () => {
  test("readers are inside together: none waits for another", () => rwlock.stress("readersShare"));
  test("readers entering and leaving at the same instant lose no count", () => rwlock.stress("readerCountRace"));
  test("a writer is alone: readers and writers wait while it is inside", () => rwlock.stress("writerIsAlone"));
  test("a writer waits while readers are inside; the last reader out lets it in", () =>
    rwlock.stress("readersKeepWriterOut"));
  test("a writer's release lets in every reader waiting for it", () => rwlock.stress("writerReleaseWakesEveryReader"));
  test("a waiting writer goes before readers that come after it", () => rwlock.stress("waitingWriterGoesFirst"));
  test("a stream of readers does not starve a waiting writer", () => rwlock.stress("readerStreamDoesNotStarveWriter"));
  test("readers and writers storming: writers alone, no write lost, no count left raised", () =>
    rwlock.stress("storm"));
  test("every waiter gets in: no lost wakeup, with more threads than cores", () => rwlock.stress("everyoneGetsIn"));
  test("acquireWrite(timeout) gives up when it expires, never before, and lets in the readers it held back", () =>
    rwlock.stress("writerGivesUp"));
  test("acquireWrite(timeout) behind another writer gives up when it expires, never before", () =>
    rwlock.stress("writerGivesUpBehindWriter"));
  test("acquireRead(timeout) gives up when it expires, never before", () => rwlock.stress("readerGivesUp"));
  test("acquireRead(timeout) and acquireWrite(timeout) succeed when the lock comes free in time", () =>
    rwlock.stress("timeoutsSucceedInTime"));
  test("a timeout of 0 takes a free lock and never sleeps on a held one", () => rwlock.stress("zeroTimeout"));
  test("two threads trying at the same instant: exactly one gets in", () => rwlock.stress("tryRace"));
  test("releaseRead() and releaseWrite() with nobody inside throw, and change nothing", () =>
    rwlock.stress("releaseRules"));
  test("releaseWrite() by a thread that does not hold the write lock throws", () =>
    rwlock.stress("onlyTheWriterReleases"));
});
