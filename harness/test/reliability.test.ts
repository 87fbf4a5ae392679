// No learner mistake takes the run down or lands on another test: an answer that fills its heap
// fails its own test, classified, and the next test runs; a late error stays with its own test.

import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, expect, test } from "vitest";
import { stopBundler } from "../engine/bundle.ts";
import { ActorPool } from "../engine/pool.ts";
import { stress } from "../strategy/stress.ts";
import { threadHeapLimitMb } from "../engine/limits.ts";
import { failure } from "./failure.ts";

const here = path.dirname(fileURLToPath(import.meta.url));
const scenarios = path.join(here, "reliability.scenarios.ts");

afterAll(() => stopBundler());

test("a thread that fills its heap fails its test, classified, and the pool runs the next test", async () => {
  const pool = new ActorPool("00-fixture", scenarios);
  const started = performance.now();
  const error = await failure(pool, "allocates");
  expect(error.name).toBe("WorkerCrashed");
  expect(error.message.split("\n")[0]).toBe(
    `ran out of memory: the heap limit of ${threadHeapLimitMb} MB was reached inside put()`,
  );
  expect(error.message).toMatch(/\(allocates, actor 0, repetition \d+\)/);
  expect(performance.now() - started).toBeLessThan(30_000);
  const report = await pool.drive(stress, "quietAfterwards");
  expect(report.outcomes).toEqual([{ key: "finished", count: report.repetitions, firstRepetition: 0 }]);
  await pool.close();
});

test("an error thrown after its test failed is never reported under the next test", async () => {
  const pool = new ActorPool("00-fixture", scenarios);
  for (let round = 0; round < 10; round++) {
    const error = await failure(pool, round % 2 === 0 ? "lateThrower" : "timerThrower");
    expect(error.name).toBe("RuleBroken");
    expect(error.message).toMatch(/^the first failure/);
    // The late error arrives while this runs (its 200 ms outlast the thrower's 60).
    const report = await pool.drive(stress, "busyAfterwards");
    expect(report.repetitions).toBeGreaterThan(0);
  }
  await pool.close();
});

test("a thread still loading its code is not stuck until a generous bound, and then it is named as loading", async () => {
  const saved = process.env.THREADKATA_DEADLINE_MS;
  process.env.THREADKATA_DEADLINE_MS = "300";
  try {
    const started = performance.now();
    const error = await failure(
      new ActorPool("00-fixture", path.join(here, "loops-at-load.scenarios.ts")),
      "neverLoaded",
    );
    expect(error.name).toBe("DeadlineExceeded");
    expect(error.message).toMatch(/actor 0 \(thread \d+\): still loading its code/);
    // Not at the 300 ms deadline (a busy machine may take that long to load a bundle), but at 5 s.
    expect(performance.now() - started).toBeGreaterThanOrEqual(5_000);
  } finally {
    if (saved === undefined) delete process.env.THREADKATA_DEADLINE_MS;
    else process.env.THREADKATA_DEADLINE_MS = saved;
  }
}, 30_000);
