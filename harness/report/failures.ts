// How a kata test fails. Each class names what went wrong, the way lincheck classifies failures;
// the self-check reads the names to tell "failed for the intended reason" from "failed to load".

/** Base of every failure the harness reports; `stack` holds only what helps the learner. */
export abstract class KataFailure extends Error {
  /** Explore mode: the failing schedule as a picture (SVG), attached to the test for @vitest/ui. */
  picture?: string;

  constructor(message: string, frames: string[] = []) {
    super(message);
    this.stack = [`${new.target.name}: ${message}`, ...frames].join("\n");
  }
}

/** A repetition ended in an outcome the kata forbids (jcstress's FORBIDDEN): wrong result. */
export class ForbiddenOutcome extends KataFailure {
  override name = "ForbiddenOutcome";
}

/** An actor saw a rule broken at a moment ("acquire(20) returned true while the lock was held"). */
export class RuleBroken extends KataFailure {
  override name = "RuleBroken";
}

/** No progress within the deadline: a deadlock, a lost wakeup or an endless loop. */
export class DeadlineExceeded extends KataFailure {
  override name = "DeadlineExceeded";
}

/** Explore mode: every thread still running is parked for good (a deadlock or a lost wakeup), known at once. */
export class Deadlock extends KataFailure {
  override name = "Deadlock";
}

/** Explore mode: a schedule ran past its bound of steps (an endless loop, or a livelock). */
export class EndlessLoop extends KataFailure {
  override name = "EndlessLoop";
}

/** Code under test threw an exception the kata does not expect. */
export class ExceptionInThread extends KataFailure {
  override name = "ExceptionInThread";
}

/** A worker thread ended on its own (process.exit, a fatal error). */
export class WorkerCrashed extends KataFailure {
  override name = "WorkerCrashed";
}

/** A stub still in place: relayed with the stub's own message. */
export class NotImplementedError extends KataFailure {
  override name = "NotImplementedError";
}

/** The scenario or the code under test could not be loaded (a syntax error, a missing file). */
export class ScenarioLoadError extends KataFailure {
  override name = "ScenarioLoadError";
}

/** Failure names that mean "the code was tested and found wrong". */
export const verdictFailures = [
  "ForbiddenOutcome",
  "RuleBroken",
  "DeadlineExceeded",
  "Deadlock",
  "EndlessLoop",
  "ExceptionInThread",
  "WorkerCrashed",
];
