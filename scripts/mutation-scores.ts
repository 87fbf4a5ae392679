// mutation/scores.json: each kata's last mutation score (npm run mutate -- NN writes it; the
// self-check reads it). A score holds for the exact reference and suite it was measured on: each is
// kept as a content hash, so a score is stale as soon as either changes, committed or not.

import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Kata } from "../katas/catalogue.ts";
import { repositoryRoot } from "../harness/engine/under-test.ts";

export const scoresFile = path.join(repositoryRoot, "mutation", "scores.json");

export interface MutationScore {
  /** Every mutant Stryker made of the reference. */
  mutants: number;
  killed: number;
  /** Killed by the run's time limit: the mutant hung the suite past Stryker's timeout. */
  timeout: number;
  /** Disabled in the reference by a `// Stryker disable` comment that says why no caller can tell. */
  equivalent: number;
  survived: number;
  /** Never reached by the suite (Stryker's NoCoverage; the command runner measures no coverage, so 0). */
  noCoverage: number;
  /** Mutants that broke loading (Stryker's RuntimeError and CompileError): the suite failed, so caught. */
  errors: number;
  /** Wall time of the whole run, in seconds. */
  seconds: number;
  /** When it was measured (ISO 8601), and with which Stryker. */
  measured: string;
  stryker: string;
  /** The reference files (solutions/NN-slug/*.ts) and the suite files (*.test.ts, *.scenarios.ts) it was measured on. */
  reference: { files: string[]; hash: string };
  suite: { files: string[]; hash: string };
}

export type Scores = Record<string, MutationScore>;

/** The reference's own files: solutions/NN-slug/*.ts, not the known-wrong or known-right answers below it. */
export function referenceFiles(kata: Kata): string[] {
  return filesIn(path.join("solutions", kata.slug), (file) => file.endsWith(".ts"));
}

/** The files that make the kata's suite: its tests and the scenarios they run. */
export function suiteFiles(kata: Kata): string[] {
  return filesIn(path.join("katas", kata.slug), (file) => file.endsWith(".test.ts") || file.endsWith(".scenarios.ts"));
}

function filesIn(folder: string, wanted: (file: string) => boolean): string[] {
  const absolute = path.join(repositoryRoot, folder);
  if (!existsSync(absolute)) return [];
  return readdirSync(absolute, { withFileTypes: true })
    .filter((entry) => entry.isFile() && wanted(entry.name))
    .map((entry) => path.join(folder, entry.name))
    .sort();
}

/** sha256 over the files' names and contents, in order (the first 16 hex digits). */
export function contentHash(files: string[]): string {
  const hash = createHash("sha256");
  for (const file of files)
    hash
      .update(file)
      .update("\0")
      .update(readFileSync(path.join(repositoryRoot, file)))
      .update("\0");
  return `sha256:${hash.digest("hex").slice(0, 16)}`;
}

export function readScores(): Scores {
  if (!existsSync(scoresFile)) return {};
  return JSON.parse(readFileSync(scoresFile, "utf8")) as Scores;
}

/** Records one kata's score; the file keeps catalogue order (the caller's `order`) for readable diffs. */
export function recordScore(kata: Kata, score: MutationScore, order: string[]): void {
  const scores = { ...readScores(), [kata.slug]: score };
  const sorted: Scores = {};
  for (const slug of [...order, ...Object.keys(scores).sort()])
    if (scores[slug] && !sorted[slug]) sorted[slug] = scores[slug];
  writeFileSync(scoresFile, `${JSON.stringify(sorted, null, 2)}\n`);
}

export interface ScoreVerdict {
  /** false: the self-check fails (a stale score, or one with a survivor). A kata never measured is ok. */
  ok: boolean;
  got: string;
}

/** What the self-check says of a kata's recorded score. */
export function judgeScore(kata: Kata, score: MutationScore | undefined): ScoreVerdict {
  if (!score) return { ok: true, got: `not measured (npm run mutate -- ${kata.slug.slice(0, 2)})` };
  const summary = `${score.mutants} mutants: ${score.killed + score.timeout + score.errors} killed, ${score.equivalent} equivalent, ${score.survived + score.noCoverage} survived`;
  const stale: string[] = [];
  if (contentHash(referenceFiles(kata)) !== score.reference.hash) stale.push("the reference");
  if (contentHash(suiteFiles(kata)) !== score.suite.hash) stale.push("the suite");
  if (stale.length > 0)
    return {
      ok: false,
      got: `stale: ${stale.join(" and ")} changed since it was measured (${summary}); run npm run mutate -- ${kata.slug.slice(0, 2)}`,
    };
  if (score.survived + score.noCoverage > 0)
    return {
      ok: false,
      got: `${summary}: kill them or mark them equivalent (npm run mutate -- ${kata.slug.slice(0, 2)})`,
    };
  return { ok: true, got: summary };
}
