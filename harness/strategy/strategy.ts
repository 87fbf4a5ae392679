// The seam between the threads and the way a scenario is tried on them, after lincheck's Strategy and
// shuttle's Scheduler: under stress (stress.ts), or one shared-memory step at a time (explore/).

import type { ActorPool, RunOptions } from "../engine/pool.ts";
import type { Place } from "../report/messages.ts";

export interface Strategy<Report> {
  /**
   * Drives `scenario`'s repetitions on the pool's threads (pool.setUp starts a run); resolves with
   * what was tried, or rejects with a KataFailure once the pool has settled after it.
   */
  drive(pool: ActorPool, scenario: string, options: RunOptions, place: Place): Promise<Report>;
}
