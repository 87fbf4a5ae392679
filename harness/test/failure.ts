// The failure a scenario must end in, for the harness's own tests.

import type { ActorPool } from "../engine/pool.ts";
import { stress } from "../strategy/stress.ts";

/** Runs `scenario` and returns the error it failed with; throws if it passed. */
export async function failure(pool: ActorPool, scenario: string): Promise<Error> {
  try {
    await pool.drive(stress, scenario);
  } catch (error) {
    return error as Error;
  }
  throw new Error(`${scenario} passed; it should have failed`);
}
