// How the scheduler picks the next actor among those that can go: the policies of shuttle and
// Coyote. Each pick is a pure function of the schedule block (its seed, the decision's number, the
// priorities), so any thread can take it and a schedule with the same seed is the same schedule.
//
//   random      each ready actor as likely, at every step: many short races
//   pct         Burckhardt et al.'s probabilistic concurrency testing (ASPLOS 2010): each actor a
//               random priority, the highest ready one always goes, and at d - 1 random steps the
//               one running drops below everyone: finds a bug of depth d with probability at least
//               1 / (n · k^(d-1)) per schedule (n actors, k steps)
//   sequential  no preemption: the one that ran goes on while it can, else the lowest ready one;
//               what follows the forced choices of a replayed or shrunk schedule

import { mix } from "../../engine/noise.ts";
import { Mine, Policy, Shared, actorWords } from "./layout.ts";

/**
 * Decisions after which every policy turns into the random walk: PCT and the sequential policy
 * never switch away from a thread that can go on, so a scenario that runs one thread until another
 * gets somewhere (a stream of readers until the writer is in) would never end under them.
 */
export const fairAfter = 2_000;
/** How often the random walk switches away from a thread that could go on. */
const switchChance = 0.3;

export function pick(b: Int32Array, candidates: number[], current: number, decision: number): number {
  const policy = decision >= fairAfter ? Policy.random : b[Shared.policy];
  switch (policy) {
    case Policy.random: {
      // A walk that mostly lets the running thread go on: every switch costs a hand-over between
      // threads (tens of microseconds), and a race needs one switch at the right step, not many.
      const roll = chance(b[Shared.seed]!, decision);
      if (candidates.includes(current) && roll >= switchChance) return current;
      const others = candidates.filter((actor) => actor !== current);
      const pool = others.length > 0 ? others : candidates;
      return pool[Math.floor(chance(b[Shared.seed]! ^ 0x5bd1e995, decision) * pool.length)]!;
    }
    case Policy.pct: {
      const changes = b[Shared.changes]!;
      for (let change = 0; change < changes; change++) {
        // The actor that took the last step drops below every starting priority.
        if (b[Shared.changePoints + change] === decision && current >= 0)
          b[actorWords(current) + Mine.priority] = change + 1 - changes;
      }
      let best = candidates[0]!;
      for (const actor of candidates)
        if (b[actorWords(actor) + Mine.priority]! > b[actorWords(best) + Mine.priority]!) best = actor;
      return best;
    }
    default:
      return candidates.includes(current) ? current : candidates[0]!;
  }
}

/** A number in [0, 1) for one decision of one schedule. */
export function chance(seed: number, decision: number): number {
  return mix(seed, decision, 7) / 2 ** 32;
}

/** What the conductor asks of one schedule. */
export interface Plan {
  policy: Policy;
  seed: number;
  /** PCT's depth d: d - 1 change points. */
  depth: number;
  /** About how many steps a schedule takes (the change points fall among them). */
  expectedSteps: number;
  /** Decisions made before the policy takes over: a replay, a shrinking trial, a branch of the exhaustive search. */
  forced?: number[];
  /** What ctx.repetition says in this schedule (scenarios may vary by it): a replay keeps it. */
  repetition: number;
}

/** Sets the block up for a schedule by `plan`: priorities and change points for PCT. */
export function preparePolicy(b: Int32Array, plan: Plan, parties: number): void {
  b[Shared.policy] = plan.policy;
  b[Shared.seed] = plan.seed | 0;
  const changes = plan.policy === Policy.pct ? Math.max(0, Math.min(3, plan.depth - 1)) : 0;
  b[Shared.changes] = changes;
  // Starting priorities: a random order of the actors, all above the change points' levels (≤ 0).
  const order = Array.from({ length: parties }, (_, actor) => actor);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(chance(plan.seed, -1 - i) * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  order.forEach((actor, rank) => (b[actorWords(actor) + Mine.priority] = rank + 1));
  for (let change = 0; change < changes; change++) {
    b[Shared.changePoints + change] =
      1 + Math.floor(chance(plan.seed, -100 - change) * Math.max(1, plan.expectedSteps));
  }
}
