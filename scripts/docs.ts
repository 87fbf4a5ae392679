// Writes the parts of the READMEs that come from the catalogue: the kata list in README.md, the
// counts and lists its prose repeats (how many katas, which have a benchmark) and the hints in each
// kata's README. `npm run docs` writes them; the self-check fails when they are stale.

import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { catalogue, type Kata } from "../katas/catalogue.ts";
import { repositoryRoot } from "../harness/engine/under-test.ts";
import { commandLine } from "./cli.ts";

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

function fill(text: string, marker: string, content: string): string {
  const start = `<!-- ${marker}:start -->`;
  const end = `<!-- ${marker}:end -->`;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < from) throw new Error(`missing ${start} … ${end}`);
  return `${text.slice(0, from + start.length)}\n${content}\n${text.slice(to)}`;
}

/** The katas with a benchmark: bench/<slug>.bench.ts beside the catalogue's kata. */
function benchmarkedKatas(course: Kata[]): string[] {
  const folder = path.join(repositoryRoot, "bench");
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

/** Every generated file as it should be: path → content. `course` is the catalogue (new-kata passes
 *  the one it is about to write, or has just written: this process imported the old one). */
export function renderDocs(course: Kata[] = catalogue): Map<string, string> {
  const files = new Map<string, string>();
  const readme = path.join(repositoryRoot, "README.md");
  if (existsSync(readme)) {
    const listed = fill(readFileSync(readme, "utf8"), "katas", kataList(course));
    files.set(readme, fillCounts(listed, course.length, benchmarkedKatas(course)));
  }
  for (const kata of course) {
    const file = path.join(repositoryRoot, "katas", kata.slug, "README.md");
    if (existsSync(file)) files.set(file, fill(readFileSync(file, "utf8"), "hints", hintsBlock(kata)));
  }
  return files;
}

/** Writes the generated files that differ from what `course` says; returns them (relative paths). */
export function writeDocs(course: Kata[] = catalogue): string[] {
  const written: string[] = [];
  for (const [file, content] of renderDocs(course)) {
    if (readFileSync(file, "utf8") !== content) {
      writeFileSync(file, content);
      written.push(path.relative(repositoryRoot, file));
    }
  }
  return written;
}

/** The generated files that differ from what the catalogue says (relative paths). */
export function staleDocs(): string[] {
  const stale: string[] = [];
  try {
    for (const [file, content] of renderDocs()) {
      if (readFileSync(file, "utf8") !== content) stale.push(path.relative(repositoryRoot, file));
    }
  } catch (error) {
    stale.push((error as Error).message);
  }
  return stale;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  commandLine(process.argv.slice(2), {
    usage: "npm run docs",
    help: "Writes the parts of the READMEs that come from katas/catalogue.ts: the kata list in README.md and\nthe hints in each kata's README. The self-check (npm run verify) fails when they are stale.",
    options: {},
  });
  for (const file of writeDocs()) console.log(`wrote ${file}`);
}
