// What a kata's test file uses: one suite per scenario file, one vitest test per scenario.
//
//   import type * as scenarios from "./lock.scenarios.ts";
//   const lock = kataSuite<typeof scenarios>("02-lock", new URL("./lock.scenarios.ts", import.meta.url));
//   test("mutual exclusion", () => lock.stress("mutualExclusion"));
//
// The type-only import keeps the scenario file (and the learner's code) off the test's main thread.

import { fileURLToPath } from "node:url";
import { afterAll, TestRunner, type RunnerTestCase } from "vitest";
import { KataFailure } from "./report/failures.ts";
import type { Scenario } from "./scenario.ts";
import { stopBundler } from "./engine/bundle.ts";
import { ActorPool, type RunOptions } from "./engine/pool.ts";
import { stress, type StressReport } from "./strategy/stress.ts";
import { explore } from "./strategy/explore/conductor.ts";
import { catalogue } from "../katas/catalogue.ts";
import { checkSetting } from "./engine/settings.ts";

declare module "vitest" {
  interface TaskMeta {
    /** Repetitions a stress test ran, for the self-check's report. */
    repetitions?: number;
    /** Of those, repetitions whose actors never ran at the same time (not counted as proof). */
    solo?: number;
    /** Schedules the explore mode tried before the stress run. */
    schedules?: number;
  }
}

type ScenarioNames<M> = { [K in keyof M]: M[K] extends Scenario ? K : never }[keyof M] & string;
type ParamsOf<S> = S extends Scenario<any, infer P> ? P : never;

export interface KataSuite<M> {
  /** Runs the scenario on worker threads, repeatedly; rejects with a classified failure. */
  stress<K extends ScenarioNames<M>>(
    name: K,
    options?: Omit<RunOptions, "params"> & { params?: ParamsOf<M[K]> },
  ): Promise<StressReport>;
}

export function kataSuite<M>(kata: string, scenarioFile: URL): KataSuite<M> {
  const pool = new ActorPool(kata, fileURLToPath(scenarioFile));
  afterAll(async () => {
    await pool.close();
    await stopBundler();
  });
  const explores = catalogue.find((entry) => entry.slug === kata)?.explore === true;
  return {
    async stress(name, options) {
      // Explore first: a failure found step by step comes with the interleaving that caused it.
      const mode = checkSetting("THREADKATA_EXPLORE") ?? "on";
      const test = TestRunner.getCurrentTest();
      if (explores && mode !== "off") {
        const explored = await pool.drive(explore, name, options).catch(async (error: unknown) => {
          if (test && error instanceof KataFailure && error.picture) await attachPicture(test, error.picture);
          throw error;
        });
        if (test) test.meta.schedules = explored.schedules;
        // "only": what the explore mode cannot run (one actor, an actor that awaits) still runs under stress.
        if (mode === "only" && !explored.skipped) return { repetitions: 0, solo: 0, elapsedMs: 0, outcomes: [] };
      }
      const report = await pool.drive(stress, name, options);
      if (test) {
        test.meta.repetitions = report.repetitions;
        test.meta.solo = report.solo;
      }
      return report;
    },
  };
}

/** The failing schedule's picture, beside the failure in @vitest/ui (the terminal shows the text). */
async function attachPicture(test: RunnerTestCase, svg: string): Promise<void> {
  await test.context.annotate(
    "the interleaving that failed, step by step (an arrow: which notify woke whom)",
    "notice",
    {
      contentType: "image/svg+xml",
      body: svg,
      bodyEncoding: "utf-8",
    },
  );
}
