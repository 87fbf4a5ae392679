// What a kata's entry in the course holds. Each katas/NN-slug/kata.ts exports one; katas/catalogue.ts
// puts them in order. Kept apart from both so that neither imports the other's file for a type.

export interface Kata {
  /** Folder name under katas/ and solutions/: NN-slug. */
  slug: string;
  title: string;
  /** "build": the learner writes the stub's functions (fails with NotImplementedError until then).
   *  "fix": the stub is a working-looking program with a bug; it fails with the bug it carries. */
  kind: "build" | "fix";
  /** The files the learner edits, relative to the kata folder; the reference has the same names. */
  files: string[];
  /** The Python idioms the kata mirrors. */
  python: string[];
  /** Katas to solve first (slugs). */
  requires: string[];
  /** Hints from vague to specific: `npm run kata -- hint` and the README show them in this order. */
  hints: string[];
  /** For a "fix" kata: the failures its stub's bug may show (the self-check accepts only these);
   *  default ["ForbiddenOutcome", "RuleBroken"]. A deadlock is ["DeadlineExceeded"]. */
  stubFailsWith?: string[];
  /** Its scenarios are also explored one step at a time before the stress run (harness/strategy/explore/):
   *  true for the katas whose threads share memory and run synchronous code. */
  explore?: boolean;
}
