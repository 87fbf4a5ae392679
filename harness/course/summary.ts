// Where the learner stands, as the end of `npm test` and `npm run kata -- list` show it:
//
//  threadkata  1 of 6 katas solved
//    ✓ 01-racy-counter  Fix a racy counter  solved
//    ✗ 02-lock          Build a Lock        failing  ← next: katas/02-lock/README.md
//        NotImplementedError: not implemented yet: 02-lock: acquire() in katas/02-lock/lock.ts
//    · 03-rlock         Build an RLock      waiting for 02-lock

import type { Palette } from "../report/colour.ts";
import { describeState, nextKata, type Course, type KataState } from "./progress.ts";

export function solvedCount(states: Map<string, KataState>): number {
  return [...states.values()].filter((state) => state.kind === "solved").length;
}

export function headline(course: Course, states: Map<string, KataState>, paint: Palette): string {
  const total = course.catalogue.length;
  const solved = solvedCount(states);
  return solved === total ? paint.green(`all ${total} katas solved`) : `${solved} of ${total} katas solved`;
}

function mark(state: KataState, paint: Palette): string {
  switch (state.kind) {
    case "solved":
      return paint.green("✓");
    case "failing":
      return paint.red("✗");
    case "changed":
      return paint.yellow("~");
    default:
      return paint.dim("·");
  }
}

export function renderSummary(course: Course, states: Map<string, KataState>, paint: Palette): string {
  const next = nextKata(course, states);
  const slugWidth = Math.max(...course.catalogue.map((kata) => kata.slug.length));
  const titleWidth = Math.max(...course.catalogue.map((kata) => kata.title.length));
  const lines = [` ${paint.bold("threadkata")}  ${headline(course, states, paint)}`];
  for (const kata of course.catalogue) {
    const state = states.get(kata.slug) ?? { kind: "not run" };
    const pointer = kata === next ? `${paint.bold("  ← next: ")}katas/${kata.slug}/README.md` : "";
    lines.push(
      `   ${mark(state, paint)} ${kata.slug.padEnd(slugWidth)}  ${kata.title.padEnd(titleWidth)}  ${paint.dim(describeState(state))}${pointer}`,
    );
    // The one failure that matters, last on the screen: the others scroll away above it.
    if (kata === next && state.kind === "failing" && state.firstFailure)
      lines.push(`       ${paint.red(state.firstFailure)}`);
  }
  return lines.join("\n");
}
