// npm run new-kata -- 17-slug "Title": a new kata at the end of the course, laid out like the others
// and green in the self-check from the start (rustlings' `dev new`). It writes
//
//   katas/17-slug/            kata.ts (its entry in the course: title, files, Python idioms, hints),
//                             README.md (the usual sections, a contract table, the hints), the stub
//                             <stem>.ts (each method throws NotImplementedError), <stem>.scenarios.ts
//                             (one scenario) and <stem>.test.ts (one test, through kataSuite)
//   solutions/17-slug/        the reference <stem>.ts, wrong/ with one known-wrong answer and right/
//                             with two known-right ones (scripts/known-wrong.ts)
//   katas/catalogue.ts        the import of kata.ts, and its line at the end of the order
//
// and regenerates the docs (scripts/docs.ts). What it writes is a placeholder, a counter that two
// threads increment at once, so that every part runs; the author replaces it part by part.
// `npm run new-kata -- --remove 17-slug` undoes it: the folders, the catalogue's two lines and the
// docs, byte for byte, and only while everything is still as new-kata wrote it (it never deletes an
// author's work).

import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import ts from "typescript";
import { catalogue, type Kata } from "../katas/catalogue.ts";
import { repositoryRoot } from "../harness/engine/under-test.ts";
import { commandLine, usageExit } from "./cli.ts";
import { hintsBlock, writeDocs } from "./docs.ts";
import { entryFileName, entryTitle } from "./kata-entry.ts";

/** A kata's name: two digits, a dash, lower-case words joined by single dashes. */
const slugPattern = /^(\d\d)-([a-z0-9]+(?:-[a-z0-9]+)*)$/;

const catalogueFile = path.join("katas", "catalogue.ts");

export interface Taken {
  /** The slugs in katas/catalogue.ts. */
  listed: readonly string[];
  /** The folders under katas/ and solutions/, as "katas/17-slug". */
  folders: readonly string[];
}

/** The number the next kata gets: one more than the highest one in the catalogue or in a folder. */
export function nextNumber(taken: Taken): number {
  const numbers = [...taken.listed, ...taken.folders.map((folder) => path.basename(folder))]
    .map((name) => /^(\d\d)-/.exec(name)?.[1])
    .filter((digits): digits is string => digits !== undefined)
    .map(Number);
  return Math.max(0, ...numbers) + 1;
}

/** Why `slug` cannot be the next kata, in one line; undefined if it can. */
export function slugProblem(slug: string, taken: Taken): string | undefined {
  const match = slugPattern.exec(slug);
  if (!match)
    return `"${slug}" is not a kata name: two digits, a dash, then lower-case words joined by dashes (17-bounded-buffer)`;
  if (taken.listed.includes(slug)) return `${slug} is already in ${catalogueFile}`;
  for (const root of ["katas", "solutions"]) {
    if (taken.folders.includes(`${root}/${slug}`)) return `${root}/${slug} already exists`;
  }
  if (`${match[2]}.ts` === entryFileName)
    return `${slug}: katas/${slug}/${entryFileName} is the kata's entry in the course, so its stub cannot be called ${entryFileName}; choose another name`;
  const next = nextNumber(taken);
  if (next > 99) return `the course has room for 99 katas, and ${String(next - 1).padStart(2, "0")} is taken`;
  if (Number(match[1]) !== next) {
    const holder = [...taken.listed, ...taken.folders].find((name) => path.basename(name).startsWith(`${match[1]}-`));
    const why = holder
      ? `${match[1]} is taken by ${taken.listed.includes(holder) ? `${holder} in ${catalogueFile}` : holder}`
      : `katas are numbered in order, without gaps`;
    return `${slug}: the next free number is ${String(next).padStart(2, "0")} (${why})`;
  }
  return undefined;
}

/** Why `title` cannot be a kata's title, in one line; undefined if it can. */
export function titleProblem(title: string): string | undefined {
  if (title.trim() === "")
    return 'the title is empty: give one in quotes, as the README\'s heading will read ("Build a bounded buffer")';
  if (/[\r\n]/.test(title)) return "the title is one line";
  if (title.includes("|")) return "the title cannot hold a | (it would split the README's kata table)";
  if (title !== title.trim()) return "the title starts or ends with a space";
  return undefined;
}

/** What the course holds now: the catalogue's slugs and the folders under katas/ and solutions/ (of `tree`). */
export function takenNow(tree = repositoryRoot): Taken {
  const folders: string[] = [];
  for (const root of ["katas", "solutions"]) {
    const folder = path.join(tree, root);
    if (!existsSync(folder)) continue;
    for (const entry of readdirSync(folder, { withFileTypes: true }))
      if (entry.isDirectory()) folders.push(`${root}/${entry.name}`);
  }
  return { listed: catalogue.map((kata) => kata.slug), folders };
}

export interface Scaffold {
  kata: Kata;
  /** Every file new-kata writes, katas/NN-slug/kata.ts among them: path from the repository root → content. */
  files: Map<string, string>;
}

const placeholderHint =
  "new-kata's placeholder, to be replaced by the kata's own hints, vague first: a read and then a write are two steps, and another thread can come in between them. Atomics.add(memory, 0, 1) reads, adds and writes in one.";
const placeholderPython = "TODO: the Python idioms this kata mirrors";

/** Everything new-kata writes for `slug` and `title` (both already checked). */
export function scaffold(slug: string, title: string): Scaffold {
  const number = slug.slice(0, 2);
  const stem = slug.slice(3);
  const kata: Kata = {
    slug,
    title,
    kind: "build",
    files: [`${stem}.ts`],
    python: [placeholderPython],
    requires: [],
    hints: [placeholderHint],
  };
  const testTitle = "placeholder: two threads incrementing at once lose no update";
  const files = new Map<string, string>();
  const kataFile = (name: string, text: string) => files.set(`katas/${slug}/${name}`, text);
  const solutionFile = (name: string, text: string) => files.set(`solutions/${slug}/${name}`, text);

  kataFile(entryFileName, entryText(kata));
  kataFile("README.md", readme({ slug, number, stem, title, testTitle, kata }));
  kataFile(
    `${stem}.ts`,
    counterClass(
      [
        `// Kata ${number}: ${title}.`,
        `// Read katas/${slug}/README.md first; the hints there get more specific one by one.`,
        "// (new-kata's placeholder: a counter that threads increment at once. Replace it with the kata's API.)",
        "",
        'import { NotImplementedError } from "#threadkata/errors.ts";',
      ],
      [
        "// TODO: add one to the count, so that increments from threads at the same time are never lost.",
        `throw new NotImplementedError(${JSON.stringify(slug)}, "increment()");`,
      ],
      ["// TODO", `throw new NotImplementedError(${JSON.stringify(slug)}, "value()");`],
    ),
  );
  kataFile(`${stem}.scenarios.ts`, scenarios(slug, stem));
  kataFile(`${stem}.test.ts`, suite(slug, stem, title, testTitle));

  solutionFile(
    `${stem}.ts`,
    counterClass(
      [
        "// Reference (new-kata's placeholder): Atomics.add reads the count, adds one and writes it back in",
        "// one indivisible step, so increments from several threads at once are never lost.",
      ],
      ["Atomics.add(this.memory, 0, 1);"],
      ["return Atomics.load(this.memory, 0);"],
    ),
  );
  solutionFile(
    `wrong/${stem}.load-then-store.ts`,
    counterClass(
      [
        "// KNOWN WRONG: a read, then a write: two threads both read 41 and both write 42, and one increment",
        "// is lost. (new-kata's placeholder: keep the kata's classic wrong answers here.)",
      ],
      ["Atomics.store(this.memory, 0, Atomics.load(this.memory, 0) + 1);"],
      ["return Atomics.load(this.memory, 0);"],
    ),
  );
  solutionFile(
    `right/${stem}.compare-exchange.ts`,
    counterClass(
      [
        "// KNOWN RIGHT: a compareExchange loop: write count + 1 only if the word still holds the count that",
        "// was read; if another thread got in first, try again with what it left. (new-kata's placeholder.)",
      ],
      [
        "for (let seen = Atomics.load(this.memory, 0); ; ) {",
        "  const found = Atomics.compareExchange(this.memory, 0, seen, seen + 1);",
        "  if (found === seen) return;",
        "  seen = found;",
        "}",
      ],
      ["return Atomics.load(this.memory, 0);"],
    ),
  );
  solutionFile(
    `right/${stem}.spin-lock.ts`,
    counterClass(
      [
        "// KNOWN RIGHT: a spin lock in the second word around a read and a write of the first: only the",
        "// thread that holds the lock reads and writes the count. (new-kata's placeholder.)",
      ],
      [
        "while (Atomics.compareExchange(this.memory, 1, 0, 1) !== 0) {",
        "  // another thread holds the lock: try again",
        "}",
        "Atomics.store(this.memory, 0, Atomics.load(this.memory, 0) + 1);",
        "Atomics.store(this.memory, 1, 0);",
      ],
      ["return Atomics.load(this.memory, 0);"],
    ),
  );
  return { kata, files: formatted(files) };
}

/**
 * The code files as the formatter writes them (prettier, as `npm run format`), so that a new kata
 * passes the format check whatever its name: where a line breaks depends on the slug and the title.
 * Prettier only formats asynchronously, and --remove compares the files with a fresh scaffold, so
 * it runs here, in a child process, once for every file.
 */
function formatted(files: Map<string, string>): Map<string, string> {
  const code = [...files].filter(([file]) => file.endsWith(".ts"));
  const script = `
    import { readFileSync } from "node:fs";
    import path from "node:path";
    import * as prettier from "prettier";
    const files = JSON.parse(readFileSync(0, "utf8"));
    const out = [];
    for (const [file, text] of files) {
      const filepath = path.join(process.cwd(), file);
      out.push([file, await prettier.format(text, { ...(await prettier.resolveConfig(filepath)), filepath })]);
    }
    process.stdout.write(JSON.stringify(out));`;
  const run = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
    cwd: repositoryRoot,
    input: JSON.stringify(code),
    encoding: "utf8",
  });
  if (run.status !== 0) throw new Error(`prettier could not format the new kata: ${run.stderr.split("\n")[0]}`);
  return new Map([...files, ...(JSON.parse(run.stdout) as [string, string][])]);
}

/** The placeholder class, with the given opening lines and method bodies (indented here). */
function counterClass(opening: string[], increment: string[], value: string[]): string {
  const body = (lines: string[]) => lines.map((line) => `    ${line}`).join("\n");
  return `${opening.join("\n")}

export class Counter {
  /** How many 32-bit words of shared memory one counter needs: the count, and one spare word. */
  static readonly WORDS = 2;

  /** The counter's shared memory: hand it to another thread and build \`new Counter(memory)\` there. */
  readonly memory: Int32Array;

  /** A new counter at 0; or, given the memory of an existing counter, that same counter. */
  constructor(memory?: Int32Array) {
    this.memory = memory ?? new Int32Array(new SharedArrayBuffer(Counter.WORDS * Int32Array.BYTES_PER_ELEMENT));
  }

  /** Adds one to the count, from any number of threads at once. */
  increment(): void {
${body(increment)}
  }

  /** The count. */
  value(): number {
${body(value)}
  }
}
`;
}

function scenarios(slug: string, stem: string): string {
  return `// The ${slug} kata's scenarios. They run inside worker threads (see harness/scenario.ts).
// (new-kata's placeholder: one scenario per promise of the README's contract goes here.)

import { Counter } from "#kata/${slug}/${stem}.ts";
import { acceptable, crowd, forbidden, scenario } from "#threadkata/scenario.ts";

/** How long the actors run side by side in each repetition. */
const overlapMicros = 300;

/** Two threads increment one counter side by side: no increment is lost. */
export const incrementTogether = scenario<{ counter: Counter; calls: Int32Array }>({
  state: (memory) => ({ counter: new Counter(memory.int32(Counter.WORDS)), calls: memory.int32(2) }),
  reset: ({ counter, calls }) => {
    counter.memory.fill(0);
    calls.fill(0);
  },
  actors: crowd(2, ({ counter, calls }, ctx) => {
    ctx.at("increment()");
    Atomics.store(calls, ctx.actor, ctx.repeatTogether(overlapMicros, () => counter.increment()));
  }),
  arbiter: ({ counter, calls }) => {
    const got = counter.value();
    const expected = Atomics.load(calls, 0) + Atomics.load(calls, 1);
    return got === expected ? acceptable("no update lost") : forbidden(\`lost \${expected - got}\`, \`lost updates: expected \${expected}, got \${got}\`);
  },
  repetitions: 50,
});
`;
}

function suite(slug: string, stem: string, title: string, testTitle: string): string {
  return `import { describe, test } from "vitest";
import { kataSuite } from "#threadkata/suite.ts";
import type * as scenarios from "./${stem}.scenarios.ts";

const counter = kataSuite<typeof scenarios>(${JSON.stringify(slug)}, new URL("./${stem}.scenarios.ts", import.meta.url));

describe(${JSON.stringify(`${slug}: ${title}`)}, () => {
  test(${JSON.stringify(testTitle)}, () => counter.stress("incrementTogether"));
});
`;
}

function readme(k: {
  slug: string;
  number: string;
  stem: string;
  title: string;
  testTitle: string;
  kata: Kata;
}): string {
  return `# ${k.number} · ${k.title}

TODO: the story. What goes wrong without this kata's primitive, what Python offers, and what the learner builds here, on \`Atomics\`. Until it is written, the kata is new-kata's placeholder: a counter that several threads increment at once.

## Python side by side

The idiom this kata mirrors, in Python:

\`\`\`python
# TODO: the Python this kata mirrors
\`\`\`

The same shape in TypeScript:

\`\`\`ts
import { Counter } from "./${k.stem}.ts";

const counter = new Counter();       // two Int32 words of shared memory, at 0
counter.increment();                 // from any thread that has the counter's memory
counter.value();                     // 1
\`\`\`

## What to do

Build the methods of \`Counter\` in katas/${k.slug}/${k.stem}.ts. Until you do, each test fails with \`NotImplementedError\` naming the method it needs.

| Method | Python | What it must do |
|---|---|---|
| \`increment()\` | \`counter += 1\` | Add one to the count, from any number of threads at once: no increment is ever lost. |
| \`value()\` | \`counter\` | Return the count. |

Rules:

- The counter lives in shared memory: \`Counter.WORDS\` Int32 words, and zero-filled memory is a counter at 0. Keep the constructor as it is.

## What the tests check

Each test runs its scenario many times on real worker threads, released together from a start line so that their calls really overlap.

<!-- tests:start -->
- **${k.testTitle}**: two threads call \`increment()\` side by side for a stretch of time; \`value()\` must then equal the number of calls they made.
<!-- tests:end -->

## Contract

What a caller may rely on, one promise a row, each with the test that holds the answer to it (\`npm run verify\` checks that every test named here exists; \`npm run mutate -- ${k.number}\` checks that the tests catch every change to the reference a caller could notice).

<!-- contract:start -->
| promise | test |
|---|---|
| placeholder: \`increment()\` from several threads at once loses no update, and \`value()\` counts every call | \`${k.testTitle}\` |
<!-- contract:end -->

## Run it

\`\`\`sh
npm test -- ${k.number}                # run this kata's tests once
npm run watch -- ${k.number}           # re-run them each time you save
\`\`\`

Once you pass, and not before, compare with the reference:

\`\`\`sh
git diff --no-index katas/${k.slug}/${k.stem}.ts solutions/${k.slug}/${k.stem}.ts
\`\`\`

## Hints

Try the kata first; open one hint at a time.
<!-- hints:start -->
${hintsBlock(k.kata)}
<!-- hints:end -->

## Further reading

- TODO: the Python documentation of the idiom, and a paper, a book chapter or a talk on the idea.
`;
}

/** katas/NN-slug/kata.ts, in the style of the others. */
function entryText(kata: Kata): string {
  const list = (items: string[]) => `[${items.map((item) => JSON.stringify(item)).join(", ")}]`;
  return [
    'import type { Kata } from "../kata-type.ts";',
    "",
    "export default {",
    `  slug: ${JSON.stringify(kata.slug)},`,
    `  title: ${JSON.stringify(kata.title)},`,
    `  kind: ${JSON.stringify(kata.kind)},`,
    `  files: ${list(kata.files)},`,
    `  python: ${list(kata.python)},`,
    `  requires: ${list(kata.requires)},`,
    "  hints: [",
    ...kata.hints.map((hint) => `    ${JSON.stringify(hint)},`),
    "  ],",
    "} satisfies Kata;",
    "",
  ].join("\n");
}

/** The import of `slug`'s kata.ts, as the catalogue writes it. */
const entrySpecifier = (slug: string) => `./${slug}/${entryFileName}`;

interface CatalogueSource {
  file: ts.SourceFile;
  /** The `catalogue` array literal. */
  array: ts.ArrayLiteralExpression;
  imports: ts.ImportDeclaration[];
}

function parseCatalogue(source: string): CatalogueSource {
  const file = ts.createSourceFile(catalogueFile, source, ts.ScriptTarget.Latest, true);
  let array: ts.ArrayLiteralExpression | undefined;
  const visit = (node: ts.Node): void => {
    if (
      ts.isVariableDeclaration(node) &&
      ts.isIdentifier(node.name) &&
      node.name.text === "catalogue" &&
      node.initializer &&
      ts.isArrayLiteralExpression(node.initializer)
    )
      array = node.initializer;
    else ts.forEachChild(node, visit);
  };
  visit(file);
  if (!array) throw new Error(`${catalogueFile} holds no \`catalogue\` array`);
  return { file, array, imports: file.statements.filter(ts.isImportDeclaration) };
}

const specifierOf = (declaration: ts.ImportDeclaration) =>
  ts.isStringLiteral(declaration.moduleSpecifier) ? declaration.moduleSpecifier.text : "";

/** Every name the catalogue's imports bind. */
function importedNames(imports: ts.ImportDeclaration[]): Set<string> {
  const names = new Set<string>();
  for (const declaration of imports) {
    const clause = declaration.importClause;
    if (clause?.name) names.add(clause.name.text);
    if (clause?.namedBindings && ts.isNamedImports(clause.namedBindings))
      for (const element of clause.namedBindings.elements) names.add(element.name.text);
    if (clause?.namedBindings && ts.isNamespaceImport(clause.namedBindings)) names.add(clause.namedBindings.name.text);
  }
  return names;
}

/** The name the catalogue imports a kata's entry as: its words in camelCase ("17-bounded-buffer" →
 *  boundedBuffer), or kata17 where that would not be a free identifier ("17-2pc", "17-new"). */
export function entryName(slug: string, taken: ReadonlySet<string> = new Set()): string {
  const [first = "", ...rest] = slug.slice(3).split("-");
  const words = first + rest.map((word) => word.charAt(0).toUpperCase() + word.slice(1)).join("");
  const usable =
    /^[A-Za-z_$][\w$]*$/.test(words) &&
    ts.identifierToKeywordKind(ts.factory.createIdentifier(words)) === undefined &&
    !taken.has(words);
  return usable ? words : `kata${slug.slice(0, 2)}`;
}

/** Where a new line goes: the start of the line after `node`. */
function lineAfter(source: string, node: ts.Node): number {
  const newline = source.indexOf("\n", node.getEnd());
  return newline < 0 ? source.length : newline + 1;
}

/** The catalogue's source with `slug` added: its import after the other katas' imports, and its
 *  line at the end of the order (on its own line, before the closing bracket). */
export function withEntry(source: string, slug: string): string {
  const { array, imports } = parseCatalogue(source);
  if (imports.some((declaration) => specifierOf(declaration) === entrySpecifier(slug)))
    throw new Error(`${catalogueFile} imports ${entrySpecifier(slug)} already`);
  if (array.elements.length > 0 && !array.elements.hasTrailingComma)
    throw new Error(`${catalogueFile}: the last kata in the order must end with a comma`);
  const bracket = array.getEnd() - 1;
  const lineStart = source.lastIndexOf("\n", bracket) + 1;
  if (source.slice(lineStart, bracket).trim() !== "")
    throw new Error(`${catalogueFile}: the catalogue's closing bracket must start a line`);
  const name = entryName(slug, importedNames(imports));
  const entryImports = imports.filter((declaration) => specifierOf(declaration).endsWith(`/${entryFileName}`));
  const after = entryImports.at(-1) ?? imports.at(-1);
  if (!after) throw new Error(`${catalogueFile} imports nothing: where the katas' imports go is unclear`);
  const importAt = lineAfter(source, after);
  if (importAt > lineStart) throw new Error(`${catalogueFile}: the imports must come before the catalogue`);
  const importLine = `import ${name} from ${JSON.stringify(entrySpecifier(slug))};\n`;
  return (
    source.slice(0, importAt) +
    importLine +
    source.slice(importAt, lineStart) +
    `  ${name},\n` +
    source.slice(lineStart)
  );
}

/** The catalogue's source without `slug`'s import and line, if it is the last kata: what withEntry() added. */
export function withoutEntry(source: string, slug: string): { source: string } | { problem: string } {
  const { file, array, imports } = parseCatalogue(source);
  const declaration = imports.find((candidate) => specifierOf(candidate) === entrySpecifier(slug));
  const name = declaration?.importClause?.name?.text;
  if (!declaration || !name)
    return { problem: `${slug} is not in ${catalogueFile} (it imports no ${entrySpecifier(slug)} by default)` };
  const nameOf = (element: ts.Expression) => (ts.isIdentifier(element) ? element.text : element.getText(file));
  const index = array.elements.findIndex((element) => nameOf(element) === name);
  if (index < 0) return { problem: `${slug} is imported as ${name}, but ${name} is not in the catalogue's order` };
  const last = array.elements[array.elements.length - 1]!;
  if (index !== array.elements.length - 1)
    return {
      problem: `${slug} is not the last kata (${nameOf(last)} comes after it): --remove undoes only the kata new-kata added last`,
    };
  const element = array.elements[index]!;
  const elementFrom = source.lastIndexOf("\n", element.getStart(file)) + 1;
  let elementTo = element.getEnd();
  if (source.slice(elementTo, elementTo + 2) === ",\n") elementTo += 2;
  const importFrom = declaration.getStart(file);
  const importTo = lineAfter(source, declaration);
  // The import comes first in the file: cut the element first, so that the import's offsets still hold.
  const withoutElement = source.slice(0, elementFrom) + source.slice(elementTo);
  return { source: withoutElement.slice(0, importFrom) + withoutElement.slice(importTo) };
}

function read(relative: string): string {
  return readFileSync(path.join(repositoryRoot, relative), "utf8");
}

/** Every file under a folder, as paths from the repository root. */
function filesUnder(relative: string): string[] {
  const folder = path.join(repositoryRoot, relative);
  if (!existsSync(folder)) return [];
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const inside = `${relative}/${entry.name}`;
    return entry.isDirectory() ? filesUnder(inside) : [inside];
  });
}

/** Writes the kata; on any failure, takes back what it wrote. Returns the docs it rewrote. */
export function createKata(slug: string, title: string): { scaffold: Scaffold; docs: string[] } {
  const made = scaffold(slug, title);
  const catalogueBefore = read(catalogueFile);
  const catalogueAfter = withEntry(catalogueBefore, slug);
  try {
    for (const [file, text] of made.files) {
      mkdirSync(path.dirname(path.join(repositoryRoot, file)), { recursive: true });
      writeFileSync(path.join(repositoryRoot, file), text, { flag: "wx" });
    }
    writeFileSync(path.join(repositoryRoot, catalogueFile), catalogueAfter);
    return { scaffold: made, docs: writeDocs([...catalogue, made.kata]) };
  } catch (error) {
    for (const root of ["katas", "solutions"])
      rmSync(path.join(repositoryRoot, root, slug), { recursive: true, force: true });
    writeFileSync(path.join(repositoryRoot, catalogueFile), catalogueBefore);
    writeDocs(catalogue);
    throw error;
  }
}

/** Why `slug` cannot be removed (it is not new-kata's, or not as new-kata wrote it), or undefined. */
export function removalProblem(slug: string): string | undefined {
  if (!slugPattern.test(slug))
    return `"${slug}" is not a kata name: two digits, a dash, then lower-case words joined by dashes`;
  const catalogueNow = read(catalogueFile);
  const found = withoutEntry(catalogueNow, slug);
  if ("problem" in found) return found.problem;
  const entryFile = `katas/${slug}/${entryFileName}`;
  const made = scaffold(slug, (existsSync(path.join(repositoryRoot, entryFile)) && entryTitle(read(entryFile))) || "");
  const changed: string[] = [];
  if (withEntry(found.source, slug) !== catalogueNow) changed.push(`its lines in ${catalogueFile}`);
  const present = [...filesUnder(`katas/${slug}`), ...filesUnder(`solutions/${slug}`)];
  for (const [file, text] of made.files) {
    if (!present.includes(file)) changed.push(`${file} (missing)`);
    else if (read(file) !== text) changed.push(file);
  }
  for (const file of present) if (!made.files.has(file)) changed.push(`${file} (not new-kata's)`);
  if (changed.length === 0) return undefined;
  const shown = changed.slice(0, 3).join(", ") + (changed.length > 3 ? ` and ${changed.length - 3} more` : "");
  return `${slug} is not as new-kata wrote it (${shown}): --remove deletes only a kata new-kata added and nobody has changed since; remove it by hand if you mean to`;
}

/** Undoes createKata(): the folders, the catalogue's lines, the docs. Check removalProblem() first. */
export function removeKata(slug: string): string[] {
  const found = withoutEntry(read(catalogueFile), slug);
  if ("problem" in found) throw new Error(found.problem);
  writeFileSync(path.join(repositoryRoot, catalogueFile), found.source);
  for (const root of ["katas", "solutions"])
    rmSync(path.join(repositoryRoot, root, slug), { recursive: true, force: true });
  return writeDocs(catalogue.filter((kata) => kata.slug !== slug));
}

const newKataLine = {
  usage: 'npm run new-kata -- NN-slug "Title" | --remove NN-slug',
  help: `
Adds a kata at the end of the course, laid out like the others: katas/NN-slug/ (kata.ts, its entry
in the course; README.md with a contract table and the hints; the stub, one scenario, one test),
solutions/NN-slug/ (the reference, one known-wrong answer in wrong/, two known-right ones in
right/), its import and its line at the end of the order in katas/catalogue.ts, and the docs
regenerated (npm run docs). What it writes is a placeholder, a
counter two threads increment at once, that passes the self-check as it is: replace it part by part
(npm run verify -- --layout checks the layout as you go, npm run verify -- --kata NN the suites).

NN must be the next free number, the slug lower-case words joined by dashes (17-bounded-buffer);
the title is the README's heading. A name that is malformed, a number that is not the next free
one, or a folder that exists already is refused with one line and exit code 2.

  --remove NN-slug   undo it: the folders, the catalogue's lines and the regenerated docs, byte for
                     byte; only the last kata, and only while nothing new-kata wrote has changed
                     (otherwise it refuses, exit code 1, and deletes nothing)`,
  options: { remove: { type: "string" } },
  words: (words: string[]) => (words.length > 2 ? `unexpected argument '${words[2]}'` : undefined),
} as const;

function main(): void {
  const { values, positionals } = commandLine(process.argv.slice(2), newKataLine);
  if (values.remove !== undefined) {
    if (positionals.length > 0)
      usageExit(newKataLine, `--remove takes the kata's name only; unexpected argument '${positionals[0]}'`);
    const slug = values.remove;
    if (!catalogue.some((kata) => kata.slug === slug)) usageExit(newKataLine, `${slug} is not in ${catalogueFile}`);
    const problem = removalProblem(slug);
    if (problem) {
      // Not a misunderstanding: a refusal to delete work (exit code 1, as the kata command's refusals).
      process.stderr.write(`${problem}\n`);
      process.exit(1);
    }
    const docs = removeKata(slug);
    console.log(
      `removed ${slug}: katas/${slug}/, solutions/${slug}/ and its lines in ${catalogueFile}${docs.length ? `; rewrote ${docs.join(", ")}` : ""}`,
    );
    return;
  }
  const [slug, title] = positionals;
  if (slug === undefined) usageExit(newKataLine, "which kata? give its name and its title");
  const slugWrong = slugProblem(slug, takenNow());
  if (slugWrong) usageExit(newKataLine, slugWrong);
  if (title === undefined)
    usageExit(newKataLine, `${slug} needs a title, in quotes: npm run new-kata -- ${slug} "Build a ..."`);
  const titleWrong = titleProblem(title);
  if (titleWrong) usageExit(newKataLine, titleWrong);

  const { scaffold: made, docs } = createKata(slug, title);
  const [kataFiles, solutionFiles] = ["katas", "solutions"].map((root) =>
    [...made.files.keys()]
      .filter((file) => file.startsWith(`${root}/`))
      .map((file) => file.slice(`${root}/${slug}/`.length)),
  );
  const expectedDocs = ["README.md", `katas/${slug}/README.md`];
  const stale = docs.filter((file) => !expectedDocs.includes(file));
  console.log(
    [
      `new kata ${slug}: ${title}`,
      `  wrote   katas/${slug}/: ${kataFiles!.join(", ")}`,
      `          solutions/${slug}/: ${solutionFiles!.join(", ")}`,
      `  added   ${slug} at the end of ${catalogueFile}`,
      `  docs    ${docs.length ? docs.join(", ") : "nothing to rewrite"}${stale.length ? ` (${stale.join(", ")} ${stale.length === 1 ? "was" : "were"} stale before: --remove will not bring that back)` : ""}`,
      `next: replace the placeholder counter (TODO marks the README and katas/${slug}/${entryFileName}), then`,
      `      npm run verify -- --layout     and     npm run verify -- --kata ${slug.slice(0, 2)}`,
      `undo: npm run new-kata -- --remove ${slug}`,
    ].join("\n"),
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) main();
