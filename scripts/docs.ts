// Writes the parts of the READMEs that come from the catalogue: the kata list in README.md, the
// counts and lists its prose repeats (how many katas, which have a benchmark) and the hints in each
// kata's README. `npm run docs` writes them; the self-check fails when they are stale.

import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { catalogue } from "../katas/catalogue.ts";
import { repositoryRoot } from "../harness/under-test.ts";
import { commandLine } from "./cli.ts";

function kataList(): string {
  const rows = catalogue.map((kata, index) => {
    const what = kata.kind === "build" ? "build it" : "fix it";
    return `| ${index + 1} | [${kata.slug}](katas/${kata.slug}/README.md) | ${kata.title} | ${what} | ${kata.python.map((p) => `\`${p}\``).join(", ")} |`;
  });
  return ["| # | kata | title | you | Python |", "|---|---|---|---|---|", ...rows].join("\n");
}

function hints(slug: string): string {
  const kata = catalogue.find((k) => k.slug === slug)!;
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
function benchmarkedKatas(): string[] {
  const folder = path.join(repositoryRoot, "bench");
  if (!existsSync(folder)) return [];
  const files = new Set(readdirSync(folder));
  return catalogue.filter((kata) => files.has(`${kata.slug}.bench.ts`)).map((kata) => kata.slug.slice(0, 2));
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

/** Every generated file as it should be: path → content. */
export function renderDocs(): Map<string, string> {
  const files = new Map<string, string>();
  const readme = path.join(repositoryRoot, "README.md");
  if (existsSync(readme)) {
    const listed = fill(readFileSync(readme, "utf8"), "katas", kataList());
    files.set(readme, fillCounts(listed, catalogue.length, benchmarkedKatas()));
  }
  for (const kata of catalogue) {
    const file = path.join(repositoryRoot, "katas", kata.slug, "README.md");
    if (existsSync(file)) files.set(file, fill(readFileSync(file, "utf8"), "hints", hints(kata.slug)));
  }
  return files;
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
  for (const [file, content] of renderDocs()) {
    if (readFileSync(file, "utf8") !== content) {
      writeFileSync(file, content);
      console.log(`wrote ${path.relative(repositoryRoot, file)}`);
    }
  }
}
