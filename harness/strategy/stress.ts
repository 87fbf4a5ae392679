// The stress strategy, as jcstress runs its tests: every actor on its own thread, released together
// at a start line, over and over, with outcomes counted until one is forbidden or the budget ends.

import type { ActorMessage, OutcomeCount } from "../engine/protocol.ts";
import type { ActorPool, RunOptions } from "../engine/pool.ts";
import { stressLevel } from "../engine/stress-level.ts";
import { ForbiddenOutcome } from "../report/failures.ts";
import { histogram, type Place } from "../report/messages.ts";
import type { Strategy } from "./strategy.ts";

export interface StressReport {
  repetitions: number;
  /** Of those, repetitions in which the actors never ran at the same time (they did not count). */
  solo: number;
  elapsedMs: number;
  outcomes: OutcomeCount[];
}

export const stress: Strategy<StressReport> = {
  async drive(pool, scenario, options, place) {
    try {
      return await repeat(pool, scenario, options, place);
    } catch (error) {
      await pool.settle(error);
      throw error;
    }
  },
};

async function repeat(pool: ActorPool, scenario: string, options: RunOptions, place: Place): Promise<StressReport> {
  const started = performance.now();
  const { actors, watch, ready } = await pool.setUp(scenario, options, place);
  const { repetitions } = ready;
  const level = stressLevel();
  const wanted = Math.max(1, Math.round((options.repetitions ?? repetitions ?? 100) * level.factor));
  const outcomes = new Map<string, OutcomeCount>();
  let done = 0;
  let solo = 0;
  let batch = 1;
  // Only repetitions in which the actors really ran at once count towards `wanted`.
  while (done - solo < wanted) {
    const count = Math.min(batch, wanted - (done - solo));
    const batchStarted = performance.now();
    const [answer] = await watch.expect([actors[0]!], "batch", () =>
      actors.forEach((thread) => thread.send({ type: "run", from: done, count })),
    );
    const result = answer as Extract<ActorMessage, { type: "batch" }>;
    solo += result.solo;
    for (const outcome of result.outcomes) {
      const known = outcomes.get(outcome.key);
      if (known) known.count += outcome.count;
      else outcomes.set(outcome.key, { ...outcome });
    }
    done += count;
    const forbidden = [...outcomes.values()].find((outcome) => outcome.forbidden);
    if (forbidden) throw new ForbiddenOutcome(histogram(forbidden, outcomes, done, place));
    // The time budget ends the run; on a machine so busy that few repetitions ran at once, it
    // stretches (up to three budgets) until a quarter of them have: a race needs them to show.
    const elapsed = performance.now() - started;
    if (elapsed > level.budgetMs && (done - solo >= wanted / 4 || elapsed > 3 * level.budgetMs)) break;
    // Aim for batches of about 100 ms: few round trips, yet a stuck batch is seen early.
    const perRepetition = (performance.now() - batchStarted) / count;
    batch = Math.max(1, Math.min(batch * 4, Math.floor(100 / Math.max(perRepetition, 0.001))));
  }
  return { repetitions: done, solo, elapsedMs: performance.now() - started, outcomes: [...outcomes.values()] };
}
