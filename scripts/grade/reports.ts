// The class's results, four ways: a table for the terminal, CSV for a spreadsheet, JSON for a
// program, and JUnit XML for a CI server or an LMS. The JUnit file is vitest's own JUnit reports of
// each learner put together (every test, with its failure), plus one test case per kata that no
// vitest report covers (a kata whose test process died or ran out of time).

import { readFileSync } from "node:fs";
import path from "node:path";
import type { Palette } from "../../harness/report/colour.ts";
import { solvedCount, type Cell, type ClassResult, type LearnerResult } from "./model.ts";

const kataNumber = (slug: string) => slug.slice(0, 2);

function endingNote(learner: LearnerResult): string {
  if (learner.ending === "timed out") return "  (its time ran out)";
  if (learner.ending === "crashed") return "  (a test process died)";
  return "";
}

export function formatSeconds(seconds: number): string {
  if (seconds < 90) return `${seconds.toFixed(0)} s`;
  return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
}

/** learners × katas: ✓ solved, ✗ failing; then each failure's first line. */
export function renderTable(result: ClassResult, paint: Palette): string {
  const nameWidth = Math.max(7, ...result.learners.map((learner) => learner.name.length));
  const lines = [
    ` ${paint.bold("threadkata grades")}  ${result.learners.length} learners × ${result.katas.length} katas, ${formatSeconds(result.seconds)}`,
    "",
    ` ${"learner".padEnd(nameWidth)}  ${result.katas.map(kataNumber).join(" ")}  solved     time`,
  ];
  for (const learner of result.learners) {
    const marks = result.katas
      .map((slug) => (learner.katas[slug]?.result === "solved" ? paint.green("✓ ") : paint.red("✗ ")))
      .join(" ");
    const solved = `${solvedCount(learner)}/${result.katas.length}`.padStart(6);
    lines.push(
      ` ${learner.name.padEnd(nameWidth)}  ${marks} ${solved} ${formatSeconds(learner.seconds).padStart(8)}${endingNote(learner)}`,
    );
  }
  const failures = result.learners.flatMap((learner) =>
    result.katas.flatMap((slug) => {
      const cell = learner.katas[slug];
      return cell && cell.result !== "solved"
        ? [{ learner: learner.name, slug, line: cell.firstFailure ?? "failing" }]
        : [];
    }),
  );
  if (failures.length > 0) {
    const slugWidth = Math.max(...failures.map((failure) => failure.slug.length));
    lines.push("", ` ${paint.bold("failing")}`);
    for (const failure of failures) {
      lines.push(
        `   ${failure.learner.padEnd(nameWidth)}  ${failure.slug.padEnd(slugWidth)}  ${paint.red(failure.line)}`,
      );
    }
  }
  return lines.join("\n");
}

function csvField(value: string | number): string {
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function cellText(cell: Cell | undefined): string {
  if (!cell) return "";
  return cell.result === "solved" ? "solved" : `failing: ${cell.firstFailure ?? ""}`.trimEnd();
}

/** One row per learner, one column per kata ("solved", or "failing: <first line>"); RFC 4180. */
export function renderCsv(result: ClassResult): string {
  const header = ["learner", "solved", "katas", "seconds", "ending", ...result.katas];
  const rows = result.learners.map((learner) => [
    learner.name,
    solvedCount(learner),
    result.katas.length,
    Math.round(learner.seconds),
    learner.ending,
    ...result.katas.map((slug) => cellText(learner.katas[slug])),
  ]);
  return [header, ...rows].map((row) => row.map(csvField).join(",")).join("\r\n") + "\r\n";
}

export function renderJson(result: ClassResult): string {
  return `${JSON.stringify(result, null, 2)}\n`;
}

/** Text for an XML attribute or element: escaped, and without the characters XML 1.0 forbids (ANSI escapes among them). */
export function xmlText(text: string): string {
  return (
    text
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, "")
      .replaceAll("&", "&amp;")
      .replaceAll("<", "&lt;")
      .replaceAll(">", "&gt;")
      .replaceAll('"', "&quot;")
  );
}

const number = (tag: string, attribute: string) =>
  Number(new RegExp(`\\s${attribute}="([\\d.]+)"`).exec(tag)?.[1] ?? 0);

/**
 * The <testsuite> elements of a JUnit file vitest wrote for the katas given (each suite is one
 * kata's test file, "katas/02-lock/lock.test.ts"), renamed "<learner>/<file>".
 */
export function testsuitesOf(xml: string, learner: string, katas: string[]): string[] {
  const suites = xml.match(/<testsuite\s[\s\S]*?<\/testsuite>|<testsuite\s[^>]*\/>/g) ?? [];
  return suites
    .filter((suite) => katas.includes(/^<testsuite name="katas\/([^/"]+)\//.exec(suite)?.[1] ?? ""))
    .map((suite) => suite.replace(/^<testsuite name="/, `<testsuite name="${xmlText(learner)}/`));
}

/** One synthetic suite for a kata no vitest report covers: its verdict from the grader's events. */
function kataSuite(learner: string, slug: string, cell: Cell): string {
  const name = `${xmlText(learner)}/katas/${slug}`;
  const testcase = `<testcase classname="${xmlText(learner)}.${slug}" name="${slug}" time="0"`;
  if (cell.result === "solved")
    return `<testsuite name="${name}" tests="1" failures="0" errors="0" skipped="0" time="0">\n    ${testcase}/>\n</testsuite>`;
  const line = cell.firstFailure ?? "failing";
  const type = /^(\w+):/.exec(line)?.[1] ?? "Error";
  return [
    `<testsuite name="${name}" tests="1" failures="1" errors="0" skipped="0" time="0">`,
    `    ${testcase}>`,
    `        <failure message="${xmlText(line)}" type="${xmlText(type)}">${xmlText(line)}</failure>`,
    `    </testcase>`,
    `</testsuite>`,
  ].join("\n");
}

/** Every learner's JUnit suites under one <testsuites>, its totals summed from theirs. */
export function renderJunit(result: ClassResult, reportDir: string): string {
  const suites: string[] = [];
  for (const learner of result.learners) {
    for (const run of learner.runs)
      suites.push(...testsuitesOf(readFileSync(path.join(reportDir, run.junit), "utf8"), learner.name, run.katas));
    const covered = new Set(learner.runs.flatMap((run) => run.katas));
    for (const slug of result.katas) {
      const cell = learner.katas[slug];
      if (cell && !covered.has(slug)) suites.push(kataSuite(learner.name, slug, cell));
    }
  }
  const totals = { tests: 0, failures: 0, errors: 0, time: 0 };
  for (const suite of suites) {
    const tag = /^<testsuite\s[^>]*>/.exec(suite)?.[0] ?? "";
    totals.tests += number(tag, "tests");
    totals.failures += number(tag, "failures");
    totals.errors += number(tag, "errors");
    totals.time += number(tag, "time");
  }
  return [
    `<?xml version="1.0" encoding="UTF-8" ?>`,
    `<testsuites name="threadkata grades" tests="${totals.tests}" failures="${totals.failures}" errors="${totals.errors}" time="${totals.time.toFixed(3)}">`,
    ...suites,
    `</testsuites>`,
    "",
  ].join("\n");
}
