// The self-check: proves the repository about itself. For every kata in the catalogue it runs the
// suite against the reference and each known-right answer (must pass), the stub (must fail for its
// intended reason) and each known-wrong answer (must fail, as a verdict, never as a load error;
// known-wrong.ts tells the answers' two forms). Per kata, too, without running anything: the README's
// contract table names only tests that exist (contract.ts), and the recorded mutation score is
// current and shows no survivor (mutation-scores.ts; npm run mutate -- NN measures it). Plus the
// layout, the docs, the type check, a fresh install, and `npm run new-kata` on a copy of the repository
// (new-kata-check.ts). Ends with the plain line "N passed, N failed".
//
//   npm run verify                       everything once
//   npm run verify -- --repeat 20        the suite matrix 20 times: nothing may be flaky
//   npm run verify -- --kata 02          one kata
//   npm run verify -- --layout           only what reads files: layout, docs, contract tables, scores
//   npm run verify -- --new-kata         only the new-kata row

import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { createVitest } from "vitest/node";
import type { Reporter, TestModule } from "vitest/node";
import type { Kata } from "../katas/kata-type.ts";
import { verdictFailures } from "../harness/report/failures.ts";
import { repositoryRoot } from "../harness/engine/under-test.ts";
import { installChecks } from "./install-check.ts";
import { unformattedFiles } from "./format-check.ts";
import { judgeScore, readScores } from "./mutation-scores.ts";
import { commandLine, usageExit } from "./cli.ts";
import type { ReliabilityRow as Row } from "./reliability.ts";
import { referenceCopy, startsThreads, swapsFrom } from "./outside.ts";
import { entryFileName, entryFileProblems, missingCatalogueImports } from "./kata-entry.ts";

// Run as a program (npm run verify), or imported for its suite runner (bench/detection.ts).
const isMain = import.meta.url === pathToFileURL(process.argv[1] ?? "").href;

const verifyLine = {
  usage: "npm run verify -- [--kata NN] [--repeat N] [--skip-static] [--layout | --new-kata | --reliability]",
  help: `
Proves the repository about itself: the layout and the catalogue, the generated docs, the types,
npm run new-kata on a copy of the repository (a kata added, checked and removed again), the
harness's and the kata command's own tests, a fresh install, the reliability checks, each
kata's contract table and mutation score, then every kata's suite against its reference and its
known-right answers (must pass), its stub (must fail for its intended reason) and its known-wrong
answers (must fail).
Ends with "N passed, N failed"; exit code 0 only when nothing failed.

  --kata NN        only the katas whose slug starts with NN (02, 02-lock)
  --repeat N       the kata checks N times, with each variant's score at the end (N/N is the only good one)
  --skip-static    leave out everything but the kata checks
  --layout         only the checks that read files and run nothing: the layout, the docs, and each
                   kata's contract table and mutation score (a second; for authors, after new-kata)
  --new-kata       only the new-kata row: a kata added, checked and removed, in a temporary copy
  --reliability    only the reliability checks: bad answers that must not take the run down`,
  options: {
    repeat: { type: "string", default: "1" },
    kata: { type: "string" },
    "skip-static": { type: "boolean", default: false },
    reliability: { type: "boolean", default: false },
    layout: { type: "boolean", default: false },
    "new-kata": { type: "boolean", default: false },
  },
} as const;
const { values: options } = isMain
  ? commandLine(process.argv.slice(2), verifyLine)
  : { values: { repeat: "1", kata: undefined, "skip-static": false } as Record<string, string | boolean | undefined> };
const repeat = Number(options.repeat);
if (isMain && !(Number.isInteger(repeat) && repeat >= 1))
  usageExit(verifyLine, `--repeat wants a whole number of rounds, 1 or more; got "${options.repeat}"`);
/** The one part of the self-check asked for alone, if any. */
const only = (["layout", "new-kata", "reliability"] as const).filter((name) => options[name]);
if (isMain && only.length > 1)
  usageExit(verifyLine, `--${only[0]} and --${only[1]} each run one part alone: choose one`);

// katas/catalogue.ts imports every kata's kata.ts, and one missing stops that import, and with it
// every module below that reads the course, with a bare ERR_MODULE_NOT_FOUND: look for them first,
// so that the layout row can say which is missing.
const missingImports = missingCatalogueImports();
if (missingImports.length > 0) {
  const got = missingImports
    .map(
      (file) =>
        `${file} is missing: katas/catalogue.ts imports it (each kata folder holds its entry in the course there), and nothing that reads the course can load without it`,
    )
    .join("; ");
  if (!isMain) throw new Error(got);
  console.log(headerLine());
  console.log(
    rowLine({
      check: "layout",
      variant: "katas/, solutions/, catalogue",
      expected: "consistent",
      ok: false,
      got,
      ms: 0,
    }),
  );
  console.log("\n0 passed, 1 failed");
  process.exit(1);
}
const { catalogue } = await import("../katas/catalogue.ts");
const { staleDocs } = await import("./docs.ts");
const { knownAnswerProblems, knownRightAnswers, knownWrongAnswers } = await import("./known-wrong.ts");
const { checkContract } = await import("./contract.ts");
const { reliabilityChecks } = await import("./reliability.ts");
const { workflowChecks } = await import("./workflow-check.ts");
const { newKataCheck } = await import("./new-kata-check.ts");

export interface TestOutcome {
  name: string;
  state: string;
  errors: { name: string; message: string }[];
  repetitions?: number;
  solo?: number;
  /** Schedules the explore mode tried before the stress run. */
  schedules?: number;
  ms?: number;
}

export interface SuiteRun {
  tests: TestOutcome[];
  /** Errors outside any test: a test file that failed to load, an unhandled error. */
  stray: string[];
  ms: number;
}

class Collector implements Reporter {
  tests: TestOutcome[] = [];
  stray: string[] = [];

  onTestRunEnd(modules: ReadonlyArray<TestModule>, unhandled: ReadonlyArray<{ message?: string }>): void {
    for (const module of modules) {
      for (const error of module.errors()) this.stray.push(`${module.moduleId}: ${error.message}`);
      for (const test of module.children.allTests()) {
        const result = test.result();
        this.tests.push({
          name: test.fullName,
          state: result.state,
          errors: (result.errors ?? []).map((e) => ({ name: e.name ?? "Error", message: e.message ?? "" })),
          repetitions: test.meta().repetitions,
          solo: test.meta().solo,
          schedules: test.meta().schedules,
          ms: test.diagnostic()?.duration,
        });
      }
    }
    for (const error of unhandled) this.stray.push(`unhandled: ${error.message}`);
  }
}

/** Runs the suites under `folder` with the code under test chosen by `env`. */
export async function runSuites(folder: string, env: Record<string, string>, include?: string[]): Promise<SuiteRun> {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  const collector = new Collector();
  const started = performance.now();
  try {
    const vitest = await createVitest(
      "test",
      { watch: false, reporters: [collector], ...(include ? { include } : {}) },
      {},
      {},
    );
    try {
      await vitest.start([folder]);
    } finally {
      await vitest.close();
    }
  } finally {
    for (const key of Object.keys(env)) delete process.env[key];
    Object.assign(process.env, saved);
  }
  return { tests: collector.tests, stray: collector.stray, ms: performance.now() - started };
}

type Verdict = { ok: boolean; got: string; detail?: string };

function failureNames(run: SuiteRun): string[] {
  return run.tests.filter((t) => t.state === "failed").map((t) => t.errors[0]?.name ?? "no error");
}

function countNames(names: string[]): string {
  const counts = new Map<string, number>();
  for (const name of names) counts.set(name, (counts.get(name) ?? 0) + 1);
  return [...counts].map(([name, count]) => `${name}×${count}`).join(", ");
}

/** Which mode caught the failures: "by explore 3 of 4" (the rest by the stress run). */
function caughtBy(run: SuiteRun): string {
  const failed = run.tests.filter((t) => t.state === "failed" && t.errors[0]?.name !== "NotImplementedError");
  const explored = failed.filter((t) =>
    /found by the explore mode|replayed schedule \(THREADKATA_REPLAY\)/.test(t.errors[0]?.message ?? ""),
  );
  if (failed.length === 0 || run.tests.every((t) => !t.schedules && !explored.includes(t))) return "";
  return explored.length === failed.length
    ? " (all by explore)"
    : ` (by explore ${explored.length} of ${failed.length})`;
}

function judgeReference(run: SuiteRun): Verdict {
  const passed = run.tests.filter((t) => t.state === "passed").length;
  const failed = run.tests.filter((t) => t.state !== "passed");
  const repetitions = run.tests.reduce((sum, t) => sum + (t.repetitions ?? 0), 0);
  const solo = run.tests.reduce((sum, t) => sum + (t.solo ?? 0), 0);
  const schedules = run.tests.reduce((sum, t) => sum + (t.schedules ?? 0), 0);
  if (run.tests.length > 0 && failed.length === 0 && run.stray.length === 0) {
    const notCounted = solo > 0 ? ` (${solo} without overlap, not counted)` : "";
    const explored = schedules > 0 ? `${schedules} schedules explored, ` : "";
    return {
      ok: true,
      got: `${passed}/${run.tests.length} passed, ${explored}${repetitions} repetitions${notCounted}`,
    };
  }
  const first = failed[0];
  return {
    ok: false,
    got: first
      ? `${failed.length} not passed: ${first.name}: ${first.errors[0]?.message.split("\n")[0] ?? first.state}`
      : (run.stray[0] ?? "no tests ran"),
    // A right answer that fails once in many rounds must bring its whole failure (the explore
    // mode's timeline and replay string, the stuck threads) into the log, or it cannot be followed.
    detail: first?.errors[0]?.message,
  };
}

/** The stub fails every test with NotImplementedError ("build") or with its bug ("fix": kata.stubFailsWith). */
function judgeStub(kata: Kata, run: SuiteRun): Verdict {
  const names = failureNames(run);
  if (run.stray.length > 0) return { ok: false, got: run.stray[0]! };
  if (kata.kind === "build") {
    const ok =
      run.tests.length > 0 && names.length === run.tests.length && names.every((n) => n === "NotImplementedError");
    return { ok, got: names.length ? `${names.length}/${run.tests.length} failed: ${countNames(names)}` : "passed" };
  }
  const allowed = kata.stubFailsWith ?? ["ForbiddenOutcome", "RuleBroken"];
  const ok = names.length > 0 && names.every((n) => allowed.includes(n));
  return {
    ok,
    got: names.length
      ? `${names.length}/${run.tests.length} failed: ${countNames(names)}${caughtBy(run)}`
      : "passed: the bug went unseen",
  };
}

/** A known-wrong answer fails at least one test, and every failure is a verdict on the code. */
function judgeWrong(run: SuiteRun): Verdict {
  const names = failureNames(run);
  if (run.stray.length > 0) return { ok: false, got: run.stray[0]! };
  if (names.length === 0) return { ok: false, got: `passed all ${run.tests.length} tests: the suite missed the bug` };
  const ok = names.every((n) => verdictFailures.includes(n));
  return { ok, got: `${names.length}/${run.tests.length} failed: ${countNames(names)}${caughtBy(run)}` };
}

export type { Row };

const rows: Row[] = [];

function headerLine(): string {
  return `${"".padEnd(4)} ${"check".padEnd(16)} ${"variant".padEnd(34)} ${"expected".padEnd(22)} ${"time".padStart(6)}  got`;
}

function rowLine(row: Row): string {
  const mark = row.ok ? "ok  " : "FAIL";
  const time = `${(row.ms / 1000).toFixed(1)}s`.padStart(6);
  return `${mark} ${row.check.padEnd(16)} ${row.variant.padEnd(34)} ${row.expected.padEnd(22)} ${time}  ${row.got}`;
}

function record(row: Row): void {
  rows.push(row);
  console.log(rowLine(row));
  if (!row.ok && row.detail) console.log(row.detail.replace(/^/gm, "       | "));
}

/** The layout rules that make a kata's folders, its kata.ts and its line in the catalogue work (what npm run new-kata writes). */
function layoutProblems(): string[] {
  const problems: string[] = [];
  const listed = new Set(catalogue.map((k) => k.slug));
  for (const folder of readdirSync(path.join(repositoryRoot, "katas"), { withFileTypes: true })) {
    if (!folder.isDirectory()) continue;
    if (!listed.has(folder.name)) problems.push(`katas/${folder.name} is not in katas/catalogue.ts`);
    const entry = path.join(repositoryRoot, "katas", folder.name, entryFileName);
    problems.push(...entryFileProblems(folder.name, existsSync(entry) ? readFileSync(entry, "utf8") : undefined));
  }
  const slugs = catalogue.map((k) => k.slug);
  slugs.forEach((slug, index) => {
    if (!/^\d\d-[a-z0-9-]+$/.test(slug)) problems.push(`${slug}: a slug is NN-words`);
    if (slugs.indexOf(slug) !== index) problems.push(`${slug} is listed twice`);
  });
  for (const kata of catalogue) {
    const kataFolder = path.join(repositoryRoot, "katas", kata.slug);
    for (const file of ["README.md", ...kata.files]) {
      if (!existsSync(path.join(kataFolder, file))) problems.push(`katas/${kata.slug}/${file} is missing`);
    }
    for (const file of kata.files) {
      if (!existsSync(path.join(repositoryRoot, "solutions", kata.slug, file)))
        problems.push(`solutions/${kata.slug}/${file} (the reference) is missing`);
      if (file === entryFileName)
        problems.push(
          `${kata.slug}: the learner's files cannot include ${entryFileName}, the kata's entry in the course`,
        );
    }
    if (existsSync(kataFolder) && !readdirSync(kataFolder).some((f) => f.endsWith(".test.ts")))
      problems.push(`katas/${kata.slug} has no *.test.ts`);
    if (kata.hints.length === 0 || kata.hints.some((hint) => hint.trim() === ""))
      problems.push(`${kata.slug}: hints must be present and non-empty`);
    for (const required of kata.requires) {
      if (slugs.indexOf(required) < 0 || slugs.indexOf(required) >= slugs.indexOf(kata.slug))
        problems.push(`${kata.slug} requires ${required}, which must come before it`);
    }
    problems.push(...knownAnswerProblems(kata, "wrong"), ...knownAnswerProblems(kata, "right"));
    if (kata.kind === "build") {
      for (const file of kata.files) {
        const stub = path.join(kataFolder, file);
        if (existsSync(stub) && !/NotImplementedError/.test(readFileSync(stub, "utf8")))
          problems.push(`katas/${kata.slug}/${file}: a build kata's stub throws NotImplementedError`);
      }
    }
  }
  return problems;
}

/** The layout and docs rows: files read, nothing run. */
function layoutChecks(): void {
  let started = performance.now();
  const problems = layoutProblems();
  record({
    check: "layout",
    variant: "katas/, solutions/, catalogue",
    expected: "consistent",
    ok: problems.length === 0,
    got: problems.join("; ") || "consistent",
    ms: performance.now() - started,
  });

  started = performance.now();
  const stale = staleDocs();
  record({
    check: "docs",
    variant: "READMEs: kata list, hints, tests",
    expected: "up to date",
    ok: stale.length === 0,
    got: stale.length ? `stale: ${stale.join(", ")} (npm run docs)` : "up to date",
    ms: performance.now() - started,
  });
}

function staticChecks(): void {
  layoutChecks();

  const started = performance.now();
  const tsc = spawnSync(process.execPath, [path.join(repositoryRoot, "node_modules", "typescript", "bin", "tsc")], {
    cwd: repositoryRoot,
    encoding: "utf8",
  });
  const errors = (tsc.stdout.match(/error TS/g) ?? []).length;
  record({
    check: "typecheck",
    variant: "tsc (strict)",
    expected: "no errors",
    ok: tsc.status === 0,
    got: tsc.status === 0 ? "no errors" : `${errors} errors: ${tsc.stdout.split("\n")[0]}`,
    ms: performance.now() - started,
  });

  const formatStarted = performance.now();
  const unformatted = unformattedFiles(repositoryRoot);
  record({
    check: "format",
    variant: "prettier (.prettierrc.json)",
    expected: "formatted",
    ok: unformatted.length === 0,
    got:
      unformatted.length === 0
        ? "formatted"
        : `${unformatted.length} files differ (npm run format): ${unformatted.slice(0, 3).join(", ")}`,
    ms: performance.now() - formatStarted,
  });

  // The learners' CI: the workflow file is valid, and its summary step writes the kata table (workflow-check.ts).
  for (const row of workflowChecks()) record(row);

  // npm run new-kata: a kata added to a copy of the repository is green, and --remove undoes it (new-kata-check.ts).
  record(newKataCheck());
}

async function harnessChecks(): Promise<void> {
  const run = await runSuites("harness/", {}, ["harness/**/*.test.ts"]);
  const verdict = judgeReference(run);
  record({ check: "harness", variant: "harness self-tests", expected: "all pass", ...verdict, ms: run.ms });
  const toolkit = await runSuites("toolkit/", {}, ["toolkit/**/*.test.ts"]);
  record({
    check: "harness",
    variant: "toolkit: the ready primitives",
    expected: "all pass",
    ...judgeReference(toolkit),
    ms: toolkit.ms,
  });
}

async function kataCommandChecks(): Promise<void> {
  const run = await runSuites("scripts/", {}, ["scripts/**/*.test.ts"]);
  record({
    check: "kata command",
    variant: "npm run kata, on a fixture course",
    expected: "all pass",
    ...judgeReference(run),
    ms: run.ms,
  });
}

async function benchChecks(): Promise<void> {
  const run = await runSuites("bench/", {}, ["bench/**/*.test.ts"]);
  record({
    check: "bench",
    variant: "npm run bench, smoke (no speed asserted)",
    expected: "all pass",
    ...judgeReference(run),
    ms: run.ms,
  });
}

/** Static, per kata, once: the contract table's tests exist; the mutation score is current and clean. */
function kataRecordChecks(katas: Kata[]): void {
  const scores = readScores();
  for (const kata of katas) {
    let started = performance.now();
    const contract = checkContract(kata);
    record({
      check: kata.slug,
      variant: "contract table",
      expected: "every test exists",
      ok: contract.ok,
      got: contract.got,
      ms: performance.now() - started,
    });
    started = performance.now();
    const score = judgeScore(kata, scores[kata.slug]);
    record({
      check: kata.slug,
      variant: "mutation score",
      expected: "current, no survivor",
      ...score,
      ms: performance.now() - started,
    });
  }
}

async function kataChecks(kata: Kata): Promise<void> {
  const folder = `katas/${kata.slug}/`;
  // The references run from a copy outside the repository, as a teacher's folder would (outside.ts).
  const reference = await runSuites(folder, { THREADKATA_SOURCE: referenceCopy() });
  record({
    check: kata.slug,
    variant: "reference (copy outside the repo)",
    expected: "all pass",
    ...judgeReference(reference),
    ms: reference.ms,
  });
  if (startsThreads(kata)) {
    const swapped = await runSuites(folder, {
      THREADKATA_SOURCE: "katas",
      THREADKATA_SWAP: swapsFrom(kata, referenceCopy()),
    });
    record({
      check: kata.slug,
      variant: "reference swapped in from outside",
      expected: "all pass",
      ...judgeReference(swapped),
      ms: swapped.ms,
    });
  }

  // Another correct design must pass as the reference does: the suite demands the contract, not the reference's way.
  for (const right of knownRightAnswers(kata)) {
    if (right.problem) {
      record({
        check: kata.slug,
        variant: `right: ${right.name}`,
        expected: "all pass",
        ok: false,
        got: right.problem,
        ms: 0,
      });
      continue;
    }
    const run = await runSuites(folder, {
      THREADKATA_SOURCE: "solutions",
      THREADKATA_SWAP: `${kata.slug}/${right.replaces}=${right.file}`,
    });
    record({
      check: kata.slug,
      variant: `right: ${right.name}`,
      expected: "all pass",
      ...judgeReference(run),
      ms: run.ms,
    });
  }

  const stub = await runSuites(folder, { THREADKATA_SOURCE: "katas" });
  const expected = kata.kind === "build" ? "all NotImplementedError" : "fails with its bug";
  record({ check: kata.slug, variant: "stub", expected, ...judgeStub(kata, stub), ms: stub.ms });

  for (const wrong of knownWrongAnswers(kata)) {
    if (wrong.problem) {
      record({
        check: kata.slug,
        variant: `wrong: ${wrong.name}`,
        expected: "rejected",
        ok: false,
        got: wrong.problem,
        ms: 0,
      });
      continue;
    }
    const run = await runSuites(folder, {
      THREADKATA_SOURCE: "solutions",
      THREADKATA_SWAP: `${kata.slug}/${wrong.replaces}=${wrong.file}`,
      // A stuck wrong answer is stuck: one second without progress proves it as well as two.
      THREADKATA_DEADLINE_MS: "1000",
    });
    record({ check: kata.slug, variant: `wrong: ${wrong.name}`, expected: "rejected", ...judgeWrong(run), ms: run.ms });
  }
}

async function main(): Promise<void> {
  const started = performance.now();
  const wanted = options.kata as string | undefined;
  const katas = catalogue.filter((k) => !wanted || k.slug.startsWith(wanted));
  if (katas.length === 0)
    usageExit(
      verifyLine,
      `no kata matches --kata ${wanted}: the katas are ${catalogue[0]!.slug} to ${catalogue.at(-1)!.slug}`,
    );
  console.log(headerLine());
  if (options.reliability) {
    await reliabilityChecks(runSuites, record);
  } else if (options["new-kata"]) {
    record(newKataCheck());
  } else if (options.layout) {
    layoutChecks();
  } else if (!options["skip-static"]) {
    staticChecks();
    await harnessChecks();
    await kataCommandChecks();
    await benchChecks();
    for (const verdict of installChecks()) record({ check: "install", ...verdict });
    await reliabilityChecks(runSuites, record);
  }
  if (!options.reliability && !options["new-kata"]) kataRecordChecks(katas);
  for (let round = 1; round <= (only.length > 0 ? 0 : repeat); round++) {
    if (repeat > 1) console.log(`-- round ${round} of ${repeat}`);
    for (const kata of katas) await kataChecks(kata);
  }
  if (repeat > 1) summariseRounds();
  const failed = rows.filter((r) => !r.ok).length;
  console.log(`\nself-check took ${((performance.now() - started) / 1000).toFixed(1)} s`);
  console.log(`${rows.length - failed} passed, ${failed} failed`);
  process.exitCode = failed === 0 ? 0 : 1;
}

/** Per variant over all rounds: "20/20" is the figure that says nothing is flaky. */
function summariseRounds(): void {
  const byVariant = new Map<string, Row[]>();
  for (const row of rows) {
    if (
      [
        "layout",
        "docs",
        "typecheck",
        "workflow",
        "new-kata",
        "harness",
        "kata command",
        "bench",
        "install",
        "reliability",
      ].includes(row.check)
    )
      continue;
    if (["contract table", "mutation score"].includes(row.variant)) continue;
    const key = `${row.check}  ${row.variant}`;
    byVariant.set(key, [...(byVariant.get(key) ?? []), row]);
  }
  console.log(`\nover ${repeat} rounds:`);
  for (const [key, variantRows] of byVariant) {
    const good = variantRows.filter((r) => r.ok).length;
    const times = variantRows.map((r) => r.ms).sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)]! / 1000;
    console.log(
      `  ${key.padEnd(52)} ${variantRows[0]!.expected.padEnd(22)} ${good}/${variantRows.length}   median ${median.toFixed(1)} s`,
    );
  }
}

if (isMain) await main();
