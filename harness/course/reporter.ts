// Ends the learner's `npm test` with where they stand: which katas are solved and which is next.
// After a run of the learner's own code it also records each fully-run kata's result in
// .threadkata/progress.json, which `npm run kata` reads.

import path from "node:path";
import type { Reporter, TestModule } from "vitest/node";
import { palette } from "../report/colour.ts";
import {
  fingerprint,
  kataStates,
  learnerCourse,
  recordResults,
  resultsOfRun,
  type Course,
  type ModuleSummary,
} from "./progress.ts";
import { renderSummary } from "./summary.ts";
import { withTypeCheck } from "./typecheck.ts";
import { underTest } from "../engine/under-test.ts";

/** Only a result about the learner's own files is progress; a teacher's run on solutions/ is not. */
function testsLearnersCode(course: Course): boolean {
  const target = underTest();
  return target.source === path.join(course.root, "katas") && target.swaps.size === 0;
}

function oneLine(error: { name?: string; message?: string } | undefined): string | undefined {
  if (!error) return undefined;
  const lines = (error.message ?? "")
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
  // "the code could not be loaded:" says nothing without the line after it.
  let message = lines[0] ?? "";
  for (let i = 1; i < Math.min(lines.length, 3) && message.endsWith(":"); i++) message += ` ${lines[i]}`;
  const line = `${error.name ?? "Error"}: ${message}`;
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}

/** One test file of a run, as progress.ts reads it (the grader reads it too: scripts/grade/). */
export function summarise(module: TestModule): ModuleSummary {
  return {
    file: module.moduleId,
    state: module.state(),
    tests: [...module.children.allTests()].map((test) => {
      const result = test.result();
      const error = oneLine(result.errors?.[0]);
      return { state: result.state, ...(error ? { error } : {}) };
    }),
    errors: module.errors().map((error) => oneLine(error)!),
  };
}

export default class KataReporter implements Reporter {
  private readonly course = learnerCourse;
  /** Taken when the run starts: a file saved during the run makes its result stale at once. */
  private fingerprints = new Map<string, string>();

  onTestRunStart(): void {
    this.fingerprints = new Map(this.course.catalogue.map((kata) => [kata.slug, fingerprint(this.course, kata.slug)]));
  }

  onTestRunEnd(modules: ReadonlyArray<TestModule>, _unhandled: unknown, reason?: string): void {
    const katas = path.join(this.course.root, "katas") + path.sep;
    const kataModules = modules.filter((module) => module.moduleId.startsWith(katas));
    if (kataModules.length === 0) return;
    const results =
      reason === "interrupted"
        ? {}
        : resultsOfRun(this.course, kataModules.map(summarise), this.fingerprints, new Date().toISOString());
    const learners = testsLearnersCode(this.course);
    // The learner's own files must type-check too (typecheck.ts); a teacher's run is about behaviour.
    const progress = learners ? recordResults(this.course, withTypeCheck(this.course, results)) : results;
    // `npm run kata` prints its own, shorter, account of the run.
    if (process.env.THREADKATA_SUMMARY === "off") return;
    const states = kataStates(
      this.course,
      progress,
      learners ? undefined : new Map(Object.entries(progress).map(([slug, record]) => [slug, record.fingerprint])),
    );
    process.stdout.write(`\n${renderSummary(this.course, states, palette(process.stdout))}\n\n`);
  }
}
