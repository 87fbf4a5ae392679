// Writes the parts of the READMEs that come from the code: from the catalogue (each katas/NN-slug/kata.ts)
// the kata list in README.md, the counts and lists its prose repeats (how many katas, which have a
// benchmark) and the hints in each kata's README; from a kata's *.test.ts, the list of its tests in
// its README's "What the tests check", where that list sits between <!-- tests:start --> and
// <!-- tests:end -->. `npm run docs` writes them; the self-check fails when they are stale.

import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { catalogue, type Kata } from "../katas/catalogue.ts";
import { repositoryRoot } from "../harness/engine/under-test.ts";
import { commandLine } from "./cli.ts";
import { writtenTestTitles } from "./contract.ts";

function kataList(course: Kata[]): string {
  const rows = course.map((kata, index) => {
    const what = kata.kind === "build" ? "build it" : "fix it";
    return `| ${index + 1} | [${kata.slug}](katas/${kata.slug}/README.md) | ${kata.title} | ${what} | ${kata.python.map((p) => `\`${p}\``).join(", ")} |`;
  });
  return ["| # | kata | title | you | Python |", "|---|---|---|---|---|", ...rows].join("\n");
}

/** The hints block of a kata's README, as the generator writes it between the hints markers. */
export function hintsBlock(kata: Kata): string {
  return kata.hints
    .map((hint, index) => `<details><summary>Hint ${index + 1}</summary>\n\n${hint}\n\n</details>`)
    .join("\n");
}

/**
 * The tests block of a kata's README: one item per test, `- **<title>**`, in the order the test file
 * has them. The titles come from the tests; what follows a title (": what the test does", lines
 * that continue it) is the author's, kept from `block` as it is. An item whose test is gone is
 * dropped; a new test gets an item with its title alone, for the author to describe.
 */
export function testsBlock(block: string, titles: string[]): string {
  const described = new Map<string, string>();
  let current: string | undefined;
  for (const line of block.split("\n")) {
    const item = /^- \*\*(.+?)\*\*(.*)$/.exec(line);
    if (item) described.set((current = item[1]!), item[2]!);
    else if (current !== undefined && line.trim() !== "") described.set(current, `${described.get(current)}\n${line}`);
  }
  return titles.map((title) => `- **${title}**${described.get(title) ?? ""}`).join("\n");
}

/** Where a generated part sits: just after its start marker, up to its end marker. */
function markerBounds(text: string, marker: string): { from: number; to: number } | undefined {
  const start = `<!-- ${marker}:start -->`;
  const from = text.indexOf(start);
  const to = text.indexOf(`<!-- ${marker}:end -->`);
  return from < 0 || to < from ? undefined : { from: from + start.length, to };
}

function markedBlock(text: string, marker: string): string | undefined {
  const bounds = markerBounds(text, marker);
  return bounds && text.slice(bounds.from, bounds.to);
}

function fill(text: string, marker: string, content: string): string {
  const bounds = markerBounds(text, marker);
  if (!bounds) throw new Error(`missing <!-- ${marker}:start --> … <!-- ${marker}:end -->`);
  return `${text.slice(0, bounds.from)}\n${content}\n${text.slice(bounds.to)}`;
}

/** The katas with a benchmark: bench/<slug>.bench.ts beside the catalogue's kata. */
function benchmarkedKatas(course: Kata[], root: string): string[] {
  const folder = path.join(root, "bench");
  if (!existsSync(folder)) return [];
  const files = new Set(readdirSync(folder));
  return course.filter((kata) => files.has(`${kata.slug}.bench.ts`)).map((kata) => kata.slug.slice(0, 2));
}

function spokenList(items: string[]): string {
  return items.length <= 1 ? items.join("") : `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;
}

/**
 * The counts and lists that README.md's prose and examples repeat from the code: "0 of N katas
 * solved" in the example runs, and which katas have a benchmark. Rewritten in place, so that a
 * kata added or a benchmark written can never leave them stale.
 */
export function fillCounts(text: string, kataCount: number, benchmarked: string[]): string {
  return text
    .replace(/\b0 of \d+ katas solved/g, `0 of ${kataCount} katas solved`)
    .replace(/where it has one \([^;)]*have one;/, `where it has one (${spokenList(benchmarked)} have one;`);
}

/** A kata README's generated parts filled in: the hints, and the list of tests where it is marked. */
function kataReadme(text: string, kata: Kata, folder: string): string {
  const hinted = fill(text, "hints", hintsBlock(kata));
  const block = markedBlock(hinted, "tests");
  if (block === undefined) return hinted;
  const { titles, unreadable } = writtenTestTitles(folder);
  if (unreadable.length > 0)
    throw new Error(
      `katas/${kata.slug}/README.md lists its tests, but some titles are not plain strings (${unreadable.join(", ")}): take the tests markers out`,
    );
  return fill(hinted, "tests", testsBlock(block, titles));
}

/** Every generated file as it should be: path → content. `course` is the catalogue (new-kata passes
 *  the one it is about to write, or has just written: this process imported the old one); `root`,
 *  the repository (a test's fixture elsewhere). */
export function renderDocs(course: Kata[] = catalogue, root = repositoryRoot): Map<string, string> {
  const files = new Map<string, string>();
  const readme = path.join(root, "README.md");
  if (existsSync(readme)) {
    const listed = fill(readFileSync(readme, "utf8"), "katas", kataList(course));
    files.set(readme, fillCounts(listed, course.length, benchmarkedKatas(course, root)));
  }
  for (const kata of course) {
    const folder = path.join(root, "katas", kata.slug);
    const file = path.join(folder, "README.md");
    if (existsSync(file)) files.set(file, kataReadme(readFileSync(file, "utf8"), kata, folder));
  }
  return files;
}

/** Writes the generated files that differ from what `course` says; returns them (relative paths). */
export function writeDocs(course: Kata[] = catalogue, root = repositoryRoot): string[] {
  const written: string[] = [];
  for (const [file, content] of renderDocs(course, root)) {
    if (readFileSync(file, "utf8") !== content) {
      writeFileSync(file, content);
      written.push(path.relative(root, file));
    }
  }
  return written;
}

/** The generated files that differ from what the code says (relative paths): the self-check's docs row. */
export function staleDocs(course: Kata[] = catalogue, root = repositoryRoot): string[] {
  const stale: string[] = [];
  try {
    for (const [file, content] of renderDocs(course, root)) {
      if (readFileSync(file, "utf8") !== content) stale.push(path.relative(root, file));
    }
  } catch (error) {
    stale.push((error as Error).message);
  }
  return stale;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  commandLine(process.argv.slice(2), {
    usage: "npm run docs",
    help: "Writes the parts of the READMEs that come from the code: the kata list and the counts in README.md\nand the hints in each kata's README (from each katas/NN-slug/kata.ts), and a kata README's list of\ntests where it is marked (from its *.test.ts). The self-check (npm run verify) fails when they are stale.",
    options: {},
  });
  for (const file of writeDocs()) console.log(`wrote ${file}`);
}
