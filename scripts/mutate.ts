// npm run mutate -- NN: mutation testing of one kata's reference with StrykerJS. Each mutant (an
// operator changed, a condition forced, a call removed) is a wrong answer nobody wrote by hand; the
// kata's suite runs against each, and a mutant it does not kill is a promise no test checks.
//
// Stryker's command runner starts the suite once per mutant (vitest, THREADKATA_SOURCE=solutions).
// The code under test runs in worker threads that the harness bundles with esbuild, so the mutant
// cannot be switched on through the test process's globals: Stryker hands its id over in the
// environment variable __STRYKER_ACTIVE_MUTANT__, which every worker inherits, and the instrumented
// reference reads it there. The bundles stay right: the instrumented code is the same for every
// mutant (only the variable differs), the harness bundles afresh in every run, and the bundle cache
// names each file by its content's hash, so the sandbox's runs never read a stale or foreign bundle.

import { Stryker } from "@stryker-mutator/core";
import type { LogLevel, MutantResult, PartialStrykerOptions } from "@stryker-mutator/api/core";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { catalogue, type Kata } from "../katas/catalogue.ts";
import { relativeToRepository, repositoryRoot } from "../harness/engine/under-test.ts";
import {
  contentHash,
  recordScore,
  referenceFiles,
  scoresFile,
  suiteFiles,
  type MutationScore,
} from "./mutation-scores.ts";

const usage = "usage: npm run mutate -- NN [NN...]   (a kata: 02, 2, 02-lock or the start of a name; --help says more)";
const help = `${usage}

Mutates kata NN's reference (solutions/NN-slug/*.ts, not wrong/ or right/) with StrykerJS and runs
only that kata's suite against each mutant (several katas: one after the other) (THREADKATA_SOURCE=solutions). Prints every surviving
mutant (file, line, mutator, the change), writes Stryker's HTML report to mutation/report/NN-slug.html
(not in git) and records the score in mutation/scores.json, which the self-check reads: a score whose
reference or suite has changed since (a content hash), or that shows a survivor, fails it.

A survivor is a promise no test checks: write the test (from the kata's README), or, if no caller
can observe the change, mark it in the reference with a reason:
  // Stryker disable next-line <Mutator>: <why no caller can observe it>

Slow (one suite run per mutant): run one kata at a time, never in CI.
Exit code: 0 when no mutant survived, 1 when one did or the run failed, 2 for a bad argument.`;

function kataFor(argument: string): Kata | undefined {
  const number = /^\d{1,2}$/.test(argument) ? argument.padStart(2, "0") : undefined;
  const matches = catalogue.filter((k) =>
    number ? k.slug.startsWith(`${number}-`) : k.slug.startsWith(argument) || k.slug.slice(3).startsWith(argument),
  );
  return matches.length === 1 ? matches[0] : undefined;
}

function parse(args: string[]): Kata[] | "help" | undefined {
  try {
    const { values, positionals } = parseArgs({
      args,
      options: { help: { type: "boolean", short: "h" } },
      allowPositionals: true,
    });
    if (values.help) return "help";
    const katas = positionals.map(kataFor);
    return katas.length > 0 && katas.every((kata) => kata !== undefined) ? (katas as Kata[]) : undefined;
  } catch {
    return undefined;
  }
}

function strykerOptions(kata: Kata): PartialStrykerOptions {
  return {
    testRunner: "command",
    // vitest directly (not npx): one process fewer per mutant.
    // --bail=1: the first failing test kills the mutant; the rest need not run.
    commandRunner: { command: `node node_modules/vitest/vitest.mjs run --bail=1 katas/${kata.slug}/` },
    mutate: referenceFiles(kata),
    // The suites want the cores to themselves (their actors are threads): one mutant at a time.
    concurrency: 1,
    coverageAnalysis: "off",
    // A mutant that hangs the suite is caught by the harness's own deadline (2 s without progress,
    // then --bail ends the run), so Stryker's time limit is only a backstop. Kept generous: the
    // limit comes from the first, unmutated run, and on a loaded machine a later run of a mutant the
    // suite cannot tell apart from the reference takes longer; that must not count as a kill.
    timeoutMS: 60_000,
    timeoutFactor: 3,
    reporters: ["html", process.stdout.isTTY ? "progress" : "progress-append-only"],
    htmlReporter: { fileName: `mutation/report/${kata.slug}.html` },
    tempDirName: ".stryker-tmp",
    cleanTempDir: "always",
    // The learner's progress and old reports need not be copied into Stryker's sandbox.
    ignorePatterns: [".threadkata", "mutation/report"],
    plugins: [],
    fileLogLevel: "off" as LogLevel,
    logLevel: "warn" as LogLevel,
  };
}

/** The mutated text: the original span of source, read from the file. */
function original(mutant: MutantResult, sources: Map<string, string[]>): string {
  const lines = sources.get(mutant.fileName) ?? readFileSync(mutant.fileName, "utf8").split("\n");
  sources.set(mutant.fileName, lines);
  const { start, end } = mutant.location;
  const text =
    start.line === end.line
      ? lines[start.line - 1]!.slice(start.column - 1, end.column - 1)
      : [
          lines[start.line - 1]!.slice(start.column - 1),
          ...lines.slice(start.line, end.line - 1),
          lines[end.line - 1]!.slice(0, end.column - 1),
        ].join("\n");
  return oneLine(text);
}

function oneLine(text: string, width = 60): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > width ? `${flat.slice(0, width - 1)}…` : flat;
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column]!))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

function strykerVersion(): string {
  const manifest = path.join(repositoryRoot, "node_modules", "@stryker-mutator", "core", "package.json");
  return (JSON.parse(readFileSync(manifest, "utf8")) as { version: string }).version;
}

async function main(args: string[]): Promise<number> {
  const katas = parse(args);
  if (katas === "help") {
    console.log(help);
    return 0;
  }
  if (!katas) {
    console.error(usage);
    return 2;
  }
  let code = 0;
  for (const kata of katas) code = Math.max(code, await mutate(kata));
  return code;
}

async function mutate(kata: Kata): Promise<number> {
  const reference = referenceFiles(kata);
  const suite = suiteFiles(kata);
  // Hashed before the run: a file edited while Stryker works makes the score stale, never wrongly fresh.
  const hashes = { reference: contentHash(reference), suite: contentHash(suite) };
  process.env.THREADKATA_SOURCE = "solutions";
  delete process.env.THREADKATA_SWAP;
  console.log(`mutating ${reference.join(", ")}; the suite: ${suite.join(", ")}`);
  const started = performance.now();
  const results = await new Stryker(strykerOptions(kata)).runMutationTest();
  const seconds = Math.round((performance.now() - started) / 100) / 10;

  const count = (...statuses: string[]) => results.filter((m) => statuses.includes(m.status)).length;
  const score: MutationScore = {
    mutants: results.length,
    killed: count("Killed"),
    timeout: count("Timeout"),
    equivalent: count("Ignored"),
    survived: count("Survived"),
    noCoverage: count("NoCoverage"),
    errors: count("RuntimeError", "CompileError"),
    seconds,
    measured: new Date().toISOString(),
    stryker: strykerVersion(),
    reference: { files: reference, hash: hashes.reference },
    suite: { files: suite, hash: hashes.suite },
  };
  recordScore(
    kata,
    score,
    catalogue.map((k) => k.slug),
  );

  const sources = new Map<string, string[]>();
  const survivors = results
    .filter((m) => m.status === "Survived" || m.status === "NoCoverage")
    .sort(
      (a, b) =>
        a.fileName.localeCompare(b.fileName) ||
        a.location.start.line - b.location.start.line ||
        a.location.start.column - b.location.start.column,
    );
  console.log(
    `\n${kata.slug}: ${score.mutants} mutants, ${score.killed} killed, ${score.timeout} timed out, ${score.errors} errors, ` +
      `${score.equivalent} equivalent, ${score.survived} survived, ${score.noCoverage} not covered; ${seconds} s`,
  );
  if (survivors.length > 0) {
    console.log(`\n${survivors.length} survivor${survivors.length === 1 ? "" : "s"}:`);
    const rows = survivors.map((m) => [
      relativeToRepository(m.fileName),
      String(m.location.start.line),
      m.mutatorName,
      `${original(m, sources)}  →  ${oneLine(m.replacement ?? "")}${m.status === "NoCoverage" ? "  (not covered)" : ""}`,
    ]);
    console.log(table([["file", "line", "mutator", "change"], ...rows]));
  }
  // Every mutant and what became of it, as plain text beside the HTML report.
  const all = [...results].sort(
    (a, b) =>
      a.fileName.localeCompare(b.fileName) ||
      a.location.start.line - b.location.start.line ||
      a.location.start.column - b.location.start.column,
  );
  const listing = all.map((m) => [
    relativeToRepository(m.fileName),
    String(m.location.start.line),
    m.status,
    m.mutatorName,
    `${original(m, sources)}  →  ${oneLine(m.replacement ?? "")}`,
  ]);
  writeFileSync(
    path.join(repositoryRoot, "mutation", "report", `${kata.slug}.txt`),
    `${table([["file", "line", "status", "mutator", "change"], ...listing])}\n`,
  );
  console.log(
    `\nreport: mutation/report/${kata.slug}.html (every mutant: ${kata.slug}.txt)   score: ${relativeToRepository(scoresFile)}`,
  );
  return survivors.length === 0 ? 0 : 1;
}

// Piped into `head` and closed early: the reader has seen enough.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code !== "EPIPE") throw error;
  process.exit(0);
});

process.exitCode = await main(process.argv.slice(2));
