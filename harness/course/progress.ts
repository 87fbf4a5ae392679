// The learner's progress: the last real test result of each kata, cached in .threadkata/progress.json
// so that `npm run kata -- list` is instant. The test reporter writes it after every run of the
// learner's own code; the kata command reads it.
//
// A result holds only for the files it was measured on: each record carries a fingerprint of the
// kata's folder (the learner's files are in it), and a kata whose files have changed since is
// "changed since last run" until its suite runs again.

import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { catalogue, type Kata } from "../../katas/catalogue.ts";
import { repositoryRoot } from "../engine/under-test.ts";

/** Where a course lives: every path the learner's loop touches, so tests can point it elsewhere. */
export interface Course {
  /** The folder holding katas/, solutions/ and bench/. */
  root: string;
  catalogue: Kata[];
  /** Where the caches live (.threadkata/ in the repository). */
  stateDir: string;
}

/** This repository's course, as `npm test` and `npm run kata` use it. */
export const learnerCourse: Course = {
  root: repositoryRoot,
  catalogue,
  stateDir: path.join(repositoryRoot, ".threadkata"),
};

export type Result = "solved" | "failing";

export interface KataRecord {
  result: Result;
  /** The fingerprint of the kata folder when the suite started. */
  fingerprint: string;
  /** When the run ended (ISO 8601). */
  at: string;
  /** The first failure, one line, for the summary. */
  firstFailure?: string;
}

export type Progress = Record<string, KataRecord>;

export type KataState =
  | { kind: "solved" }
  | { kind: "failing"; firstFailure?: string }
  | { kind: "changed"; was: Result }
  | { kind: "waiting"; for: string[] }
  | { kind: "not run" };

export const kataFolder = (course: Course, slug: string) => path.join(course.root, "katas", slug);
const progressFile = (course: Course) => path.join(course.stateDir, "progress.json");

/** A hash of every file in the kata folder (names and contents), so any edit or new file shows. */
export function fingerprint(course: Course, slug: string): string {
  const folder = kataFolder(course, slug);
  const hash = createHash("sha256");
  if (!existsSync(folder)) return "missing";
  const files = (readdirSync(folder, { recursive: true }) as string[])
    .filter((file) => statSync(path.join(folder, file), { throwIfNoEntry: false })?.isFile())
    // Editors' swap and backup files come and go while the learner types; they are not the kata.
    .filter((file) => !file.split(path.sep).some((part) => part.startsWith(".")) && !file.endsWith("~"))
    // The kata's entry in the course (hints, Python idioms) was outside the folder until it moved
    // here; new hints from upstream say nothing about the learner's answer.
    .filter((file) => file !== "kata.ts")
    .sort();
  for (const file of files) {
    hash
      .update(file.split(path.sep).join("/"))
      .update("\0")
      .update(readFileSync(path.join(folder, file)))
      .update("\0");
  }
  return hash.digest("hex").slice(0, 16);
}

export function readJson<T>(file: string, fallback: T): T {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as T;
  } catch {
    // Absent or damaged: a cache can always be rebuilt by running the tests again.
    return fallback;
  }
}

/** Writes through a temporary file, so a reader never sees half a file. */
export function writeJson(file: string, value: unknown): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(value, null, 2)}\n`);
  renameSync(temporary, file);
}

export function readProgress(course: Course): Progress {
  return readJson<{ katas?: Progress }>(progressFile(course), {}).katas ?? {};
}

/** Merges new results into the cache; katas not in `results` keep theirs. */
export function recordResults(course: Course, results: Progress): Progress {
  const katas = { ...readProgress(course), ...results };
  writeJson(progressFile(course), { katas });
  return katas;
}

export function forgetResult(course: Course, slug: string): void {
  const katas = readProgress(course);
  if (!(slug in katas)) return;
  delete katas[slug];
  writeJson(progressFile(course), { katas });
}

/** One test file of a finished run, as the reporter saw it. */
export interface ModuleSummary {
  /** Absolute path of the test file. */
  file: string;
  /** vitest's state of the file: "passed", "failed", "skipped", "pending", "queued". */
  state: string;
  tests: { state: string; error?: string }[];
  /** Errors outside any test, such as a test file that failed to load. */
  errors: string[];
}

/** The kata's test files: every *.test.ts in its folder, as vitest's include finds them. */
export function testFiles(course: Course, slug: string): string[] {
  const folder = kataFolder(course, slug);
  if (!existsSync(folder)) return [];
  return (readdirSync(folder, { recursive: true }) as string[])
    .filter((file) => file.endsWith(".test.ts"))
    .map((file) => path.join(folder, file));
}

/**
 * The results a run proves: one per kata whose whole suite ran to the end. A run filtered to
 * some tests (-t), or stopped half-way, proves nothing about the kata and leaves its record alone.
 */
export function resultsOfRun(
  course: Course,
  modules: ModuleSummary[],
  fingerprints: Map<string, string>,
  at: string,
): Progress {
  const results: Progress = {};
  const ran = new Map(modules.map((module) => [path.resolve(module.file), module]));
  const finished = (state: string) => state === "passed" || state === "failed";
  for (const kata of course.catalogue) {
    const files = testFiles(course, kata.slug);
    const suite = files.flatMap((file) => ran.get(path.resolve(file)) ?? []);
    if (files.length === 0 || suite.length < files.length) continue;
    if (!suite.every((module) => finished(module.state) && module.tests.every((test) => finished(test.state))))
      continue;
    const tests = suite.flatMap((module) => module.tests);
    const solved =
      tests.length > 0 &&
      suite.every((module) => module.state === "passed") &&
      tests.every((test) => test.state === "passed");
    const firstFailure = suite.flatMap((module) => [
      ...module.errors,
      ...module.tests.flatMap((test) => test.error ?? []),
    ])[0];
    results[kata.slug] = {
      result: solved ? "solved" : "failing",
      fingerprint: fingerprints.get(kata.slug) ?? fingerprint(course, kata.slug),
      at,
      ...(!solved && firstFailure ? { firstFailure } : {}),
    };
  }
  return results;
}

/** Every kata's state, in catalogue order. */
export function kataStates(
  course: Course,
  progress: Progress,
  fingerprints?: Map<string, string>,
): Map<string, KataState> {
  // A prerequisite counts once it has passed, even if touched since: a comment added to a solved
  // kata should not lock the ones after it.
  const passed = (slug: string) => progress[slug]?.result === "solved";
  const states = new Map<string, KataState>();
  for (const kata of course.catalogue) {
    const record = progress[kata.slug];
    const current = fingerprints?.get(kata.slug) ?? fingerprint(course, kata.slug);
    const missing = kata.requires.filter((required) => !passed(required));
    let state: KataState;
    if (record && record.fingerprint !== current) state = { kind: "changed", was: record.result };
    else if (record?.result === "solved") state = { kind: "solved" };
    else if (missing.length > 0) state = { kind: "waiting", for: missing };
    else if (record) state = { kind: "failing", ...(record.firstFailure ? { firstFailure: record.firstFailure } : {}) };
    else state = { kind: "not run" };
    states.set(kata.slug, state);
  }
  return states;
}

/** The kata to work on: the first one not solved. */
export function nextKata(course: Course, states: Map<string, KataState>): Kata | undefined {
  return course.catalogue.find((kata) => states.get(kata.slug)?.kind !== "solved");
}

export function describeState(state: KataState): string {
  switch (state.kind) {
    case "changed":
      return `changed since last run (was ${state.was})`;
    case "waiting":
      return `waiting for ${state.for.join(", ")}`;
    case "not run":
      return "not run yet";
    default:
      return state.kind;
  }
}
