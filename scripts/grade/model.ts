// What grading a class is made of: the request to one learner's process, the events it sends back,
// and the results the reports are written from.

import type { Result } from "../../harness/course/progress.ts";

/** What scripts/grade/learner-run.ts is asked to do (its one argument, as JSON). */
export interface LearnerRequest {
  learner: string;
  katas: string[];
  /** Where to append GradeEvents, one JSON line each. */
  events: string;
  /** Where vitest's JSON and JUnit reporters write. */
  json: string;
  junit: string;
}

export type GradeEvent =
  | { type: "start"; slug: string }
  | { type: "kata"; slug: string; result: Result; firstFailure?: string }
  /**
   * The run reached its end. `unfinished`: katas whose suite began but never ended (vitest's worker
   * process died in it); `errors`: the run's errors outside any test, first lines.
   */
  | { type: "end"; unfinished?: string[]; errors?: string[] };

export interface Cell {
  result: Result;
  /** The first failure, one line ("ForbiddenOutcome: lost updates: ..."). */
  firstFailure?: string;
}

/** How a learner's runs ended: all katas ran; its time ran out; a test process died (and was restarted). */
export type Ending = "finished" | "timed out" | "crashed";

export interface LearnerResult {
  name: string;
  /** The tree laid out like katas/ that was graded. */
  tree: string;
  seconds: number;
  ending: Ending;
  katas: Record<string, Cell>;
  /** vitest's log for this learner, relative to the output folder. */
  log: string;
  /**
   * vitest's own JSON and JUnit reports, one pair per test process (a second one runs the katas
   * left when one dies), and the katas each one ran to the end: a report written by a dying run
   * also lists, as if fine, the kata it died in.
   */
  runs: { json: string; junit: string; katas: string[] }[];
}

export interface ClassResult {
  folder: string;
  startedAt: string;
  seconds: number;
  timeLimitSeconds: number;
  stress: string;
  katas: string[];
  learners: LearnerResult[];
}

/** Counts a learner's solved katas. */
export function solvedCount(learner: LearnerResult): number {
  return Object.values(learner.katas).filter((cell) => cell.result === "solved").length;
}
