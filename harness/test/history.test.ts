// A History recorded on real threads and judged by the linearizability checker: a correct queue
// passes, a racy one ends in a forbidden outcome that shows where, a full history breaks a rule.

import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, test } from "vitest";
import { stopBundler } from "../engine/bundle.ts";
import { ActorPool } from "../engine/pool.ts";
import { stress } from "../strategy/stress.ts";
import { explore } from "../strategy/explore/conductor.ts";

const scenarios = path.join(path.dirname(fileURLToPath(import.meta.url)), "history.scenarios.ts");

async function failure(pool: ActorPool, scenario: string): Promise<Error> {
  try {
    await pool.drive(stress, scenario);
  } catch (error) {
    return error as Error;
  } finally {
    await pool.close();
  }
  throw new Error(`${scenario} passed; it should have failed`);
}

describe("history and linearizability on worker threads", () => {
  afterAll(() => stopBundler());

  test("four actors on a queue under a lock: every repetition is linearizable", async () => {
    const pool = new ActorPool("00-fixture", scenarios);
    const report = await pool.drive(stress, "lockedQueue");
    await pool.close();
    expect(report.outcomes.map((outcome) => outcome.key)).toEqual(["linearizable"]);
  });

  // Explored, so that the run cannot miss the race: under stress it is a matter of luck (the
  // explore mode's own tests show the stress-free side).
  test("the same queue without its lock is caught, with the operations and a timeline", async () => {
    const pool = new ActorPool("00-fixture", scenarios);
    const error = await pool.drive(explore, "racyQueue").then(
      () => new Error("racyQueue passed; it should have failed"),
      (failed: Error) => failed,
    );
    await pool.close();
    expect(error.name).toBe("ForbiddenOutcome");
    expect(error.message).toMatch(/^not linearizable: no order of the 400 operations/);
    expect(error.message).toMatch(/none of these can come next:/);
    expect(error.message).toMatch(/\n {4}actor 0: /);
  });

  test("a history too small for what is recorded breaks a rule, naming its size", async () => {
    const error = await failure(new ActorPool("00-fixture", scenarios), "overfullHistory");
    expect(error.name).toBe("RuleBroken");
    expect(error.message).toMatch(/the history is full: it holds 3 operations per repetition/);
  });
});
