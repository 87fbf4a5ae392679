// A kata's contract: the table in its README's "## Contract" section, between
// <!-- contract:start --> and <!-- contract:end -->, one row per promise a caller may rely on:
//
//   | promise | test |
//   |---|---|
//   | release() of an unlocked lock throws | `releasing an unlocked lock throws; locked() tells the truth` |
//
// Each test named in backticks must be the title of a test in the kata's *.test.ts, exactly as
// written there (the string passed to test() or it()). The check is static: the test files are
// parsed, not run. A title written as a template with substitutions (`${name} blocks`) or with
// test.each's %s placeholders is matched as a pattern (each substitution or placeholder stands for
// any text); a title made some other way (a variable, a function call) cannot be read, and a name
// that matches nothing else is then reported with a note that the suite has such titles.
//
//   npx tsx scripts/contract.ts [NN]     the check for one kata, or all

import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import ts from "typescript";
import { catalogue, type Kata } from "../katas/catalogue.ts";
import { repositoryRoot } from "../harness/engine/under-test.ts";

export interface ContractRow {
  promise: string;
  tests: string[];
  line: number;
}

export interface TestTitles {
  /** Titles written as plain strings. */
  exact: Set<string>;
  /** Titles built from a template or a test.each format: each placeholder matches any text. */
  patterns: RegExp[];
  /** Titles the parser cannot read (an expression), as "file:line". */
  unreadable: string[];
}

const START = "<!-- contract:start -->";
const END = "<!-- contract:end -->";

/** The contract table's rows, or undefined if the README has no contract section. Throws on a malformed table. */
export function contractRows(readme: string): ContractRow[] | undefined {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 && end < 0) return undefined;
  if (start < 0 || end < start) throw new Error(`the README needs ${START} before ${END}`);
  if (!/^## Contract\s*$/m.test(readme.slice(0, start)))
    throw new Error(`the contract table belongs under a "## Contract" heading`);
  const firstLine = readme.slice(0, start).split("\n").length;
  const lines = readme.slice(start + START.length, end).split("\n");
  const rows: ContractRow[] = [];
  let header: string[] | undefined;
  lines.forEach((text, index) => {
    if (!text.trim().startsWith("|")) return;
    const cells = splitRow(text);
    if (!header) {
      header = cells.map((cell) => cell.toLowerCase());
      if (header.join("|") !== "promise|test")
        throw new Error(`the contract table's columns are "| promise | test |", not "${text.trim()}"`);
      return;
    }
    if (cells.every((cell) => /^:?-+:?$/.test(cell))) return;
    const tests = [...(cells[1] ?? "").matchAll(/`([^`]+)`/g)].map((match) => match[1]!);
    rows.push({ promise: cells[0] ?? "", tests, line: firstLine + index });
  });
  if (!header) throw new Error("the contract section holds no table");
  return rows;
}

/** Splits a Markdown table row on the pipes outside backticks (and not escaped). */
function splitRow(text: string): string[] {
  const cells: string[] = [];
  let cell = "";
  let inCode = false;
  const body = text.trim().replace(/^\|/, "").replace(/\|$/, "");
  for (let i = 0; i < body.length; i++) {
    const char = body[i]!;
    if (char === "`") inCode = !inCode;
    if (char === "\\" && body[i + 1] === "|") {
      cell += "|";
      i++;
    } else if (char === "|" && !inCode) {
      cells.push(cell.trim());
      cell = "";
    } else cell += char;
  }
  cells.push(cell.trim());
  return cells;
}

const testFunctions = new Set(["test", "it"]);

/** The root identifier of `test`, `test.skip`, `it.only`, `test.each(table)`, `test.for(table)`... */
function isTestCall(callee: ts.Expression): { each: boolean } | undefined {
  let each = false;
  let node = callee;
  for (;;) {
    if (ts.isIdentifier(node)) return testFunctions.has(node.text) ? { each } : undefined;
    if (ts.isPropertyAccessExpression(node)) {
      if (["each", "for"].includes(node.name.text)) each = true;
      node = node.expression;
    } else if (ts.isCallExpression(node)) node = node.expression;
    else return undefined;
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** test.each's printf-style placeholders (%s, %d, %i, %f, %j, %o, %#, %%) and $variable names. */
function eachPattern(title: string): RegExp | undefined {
  const parts = title.split(/(%[sdifjo#]|\$[\w.]+)/);
  if (parts.length === 1) return undefined;
  return new RegExp(
    `^${parts.map((part, i) => (i % 2 === 1 ? ".+" : escapeRegExp(part.replaceAll("%%", "%")))).join("")}$`,
  );
}

interface TestCall {
  /** The first argument of test() or it(). */
  title: ts.Expression;
  /** test.each or test.for: the title is a format. */
  each: boolean;
  /** "<shownAs>/<file>:<line>", for a message. */
  where: string;
}

/** Every test() and it() call in a folder's *.test.ts files, in the order they are written (files by name). */
function testCalls(folder: string, shownAs: string): TestCall[] {
  const calls: TestCall[] = [];
  if (!existsSync(folder)) return calls;
  for (const name of readdirSync(folder)
    .filter((file) => file.endsWith(".test.ts"))
    .sort()) {
    const file = path.join(folder, name);
    const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
    const visit = (node: ts.Node): void => {
      const call = ts.isCallExpression(node) ? isTestCall(node.expression) : undefined;
      const title = ts.isCallExpression(node) ? node.arguments[0] : undefined;
      if (call && title)
        calls.push({
          title,
          each: call.each,
          where: `${shownAs}/${name}:${source.getLineAndCharacterOfPosition(title.getStart()).line + 1}`,
        });
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return calls;
}

/** Every test title in the kata's *.test.ts files. */
export function testTitles(kata: Kata): TestTitles {
  const titles: TestTitles = { exact: new Set(), patterns: [], unreadable: [] };
  for (const { title, each, where } of testCalls(path.join(repositoryRoot, "katas", kata.slug), `katas/${kata.slug}`)) {
    if (ts.isStringLiteral(title) || ts.isNoSubstitutionTemplateLiteral(title)) {
      const pattern = each ? eachPattern(title.text) : undefined;
      if (pattern) titles.patterns.push(pattern);
      else titles.exact.add(title.text);
    } else if (ts.isTemplateExpression(title)) {
      const parts = [title.head.text, ...title.templateSpans.map((span) => span.literal.text)];
      titles.patterns.push(new RegExp(`^${parts.map(escapeRegExp).join(".+")}$`));
    } else titles.unreadable.push(where);
  }
  return titles;
}

/** The titles of the tests in a folder's *.test.ts files, in the order they are written (files by name);
 *  `unreadable` has "file:line" for each title that is not a plain string (a template, test.each). */
export function writtenTestTitles(folder: string): { titles: string[]; unreadable: string[] } {
  const found = { titles: [] as string[], unreadable: [] as string[] };
  for (const { title, each, where } of testCalls(folder, path.basename(folder))) {
    if ((ts.isStringLiteral(title) || ts.isNoSubstitutionTemplateLiteral(title)) && !each)
      found.titles.push(title.text);
    else found.unreadable.push(where);
  }
  return found;
}

export interface ContractVerdict {
  /** false: the self-check fails. A README without a contract section is reported, not failed (for now). */
  ok: boolean;
  got: string;
  /** The README has a contract section. */
  present: boolean;
}

export function checkContract(kata: Kata): ContractVerdict {
  const readmePath = path.join(repositoryRoot, "katas", kata.slug, "README.md");
  if (!existsSync(readmePath)) return { ok: false, present: false, got: `katas/${kata.slug}/README.md is missing` };
  let rows: ContractRow[] | undefined;
  try {
    rows = contractRows(readFileSync(readmePath, "utf8"));
  } catch (error) {
    return { ok: false, present: true, got: `katas/${kata.slug}/README.md: ${(error as Error).message}` };
  }
  if (!rows) return { ok: true, present: false, got: "no contract section yet (not failing, for now)" };
  const titles = testTitles(kata);
  const problems: string[] = [];
  if (rows.length === 0) problems.push("the table has no rows");
  for (const row of rows) {
    if (row.tests.length === 0) problems.push(`README.md:${row.line} names no test in backticks ("${row.promise}")`);
    for (const test of row.tests) {
      if (titles.exact.has(test) || titles.patterns.some((pattern) => pattern.test(test))) continue;
      const note = titles.unreadable.length
        ? ` (titles at ${titles.unreadable.join(", ")} are built at run time and were not read)`
        : "";
      problems.push(`README.md:${row.line}: no test is titled "${test}"${note}`);
    }
  }
  if (problems.length > 0) return { ok: false, present: true, got: problems.join("; ") };
  const named = new Set(rows.flatMap((row) => row.tests)).size;
  return { ok: true, present: true, got: `${rows.length} promises, ${named} tests named, all found` };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE") throw error;
    process.exit(0);
  });
  const wanted = process.argv[2];
  const katas = catalogue.filter((k) => !wanted || k.slug.startsWith(wanted.padStart(2, "0")));
  let failed = 0;
  for (const kata of katas) {
    const verdict = checkContract(kata);
    if (!verdict.ok) failed++;
    console.log(`${verdict.ok ? "ok  " : "FAIL"} ${kata.slug.padEnd(16)} ${verdict.got}`);
  }
  process.exitCode = failed === 0 ? 0 : 1;
}
