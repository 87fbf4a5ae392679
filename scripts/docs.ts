// Writes the parts of the READMEs that come from the catalogue: the kata list in README.md and the
// hints in each kata's README. `npm run docs` writes them; the self-check fails when they are stale.

import { existsSync, readFileSync, writeFileSync } from "node:fs";
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

/** Every generated file as it should be: path → content. */
export function renderDocs(): Map<string, string> {
  const files = new Map<string, string>();
  const readme = path.join(repositoryRoot, "README.md");
  if (existsSync(readme)) files.set(readme, fill(readFileSync(readme, "utf8"), "katas", kataList()));
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
