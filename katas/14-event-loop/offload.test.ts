import { describe, test } from "vitest";
import { kataSuite } from "#threadkata/suite.ts";
import type * as scenarios from "./offload.scenarios.ts";

const offload = kataSuite<typeof scenarios>("14-event-loop", new URL("./offload.scenarios.ts", import.meta.url));

describe("14-event-loop: don't block the event loop", () => {
  test("while a job is in flight, the heartbeat beats and pings are answered", () =>
    offload.stress("loopStaysResponsive"));
  test("two jobs run at once, on two threads, neither the service's", () => offload.stress("jobsRunInParallel"));
  test("at most maxWorkers jobs in flight, however many are submitted; each caller gets its own result", () =>
    offload.stress("boundedConcurrency"));
  test("a job that throws rejects the caller's promise, name and message intact", () =>
    offload.stress("errorReachesCaller"));
  test("a job that rejects (async) rejects the caller's promise too", () => offload.stress("rejectionReachesCaller"));
  test("whatever a job throws or rejects with reaches the caller as it was; every failed job gives its turn back", () =>
    offload.stress("everyThrownValueReachesCaller"));
  test('whatever a job returns reaches the caller: undefined, null, 0, "", false, an object', () =>
    offload.stress("everyReturnedValueReachesCaller"));
  test("a job whose worker ends without a result (an escaped error, process.exit) rejects, and gives its turn back", () =>
    offload.stress("lostWorkersRejectAndGiveTheirTurnBack"));
  test("jobs waiting for a turn start in the order they were submitted (maxWorkers 1)", () =>
    offload.stress("waitingJobsStartInOrder"));
});
