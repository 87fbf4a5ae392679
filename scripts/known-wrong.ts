// The known answers of a kata besides its reference: the known-wrong ones in solutions/<slug>/wrong/
// (the suite must reject each) and the known-right ones in solutions/<slug>/right/ (correct in
// another design than the reference's: the suite must accept each, so it demands the contract and
// not the reference's way). Each one is either
//
//   <stem>.<name>.ts      a whole program: the classic wrong answer, or another design, written out, or
//   <stem>.<name>.patch   the reference changed, as a unified diff against solutions/<slug>/<stem>.ts:
//                         for a long reference and a change of a few lines, so the change is all
//                         there is to read and the answer follows the reference when it changes
//                         (a patch that no longer applies is a layout failure).
//
// Both open with "// KNOWN WRONG: <the bug>" (in wrong/) or "// KNOWN RIGHT: <the design>" (in
// right/) comment lines. A patch's answer is that comment, then the patched reference after its own
// opening comment, written to node_modules/.cache/threadkata/<wrong|right>/ when the checks need it.
//
// For authors, to move between the two forms (edit the .ts, then make it a patch again):
//   npx tsx scripts/known-wrong.ts patch solutions/13-executor/wrong/executor.worker-per-task.ts
//   npx tsx scripts/known-wrong.ts file solutions/13-executor/wrong/executor.worker-per-task.patch

import { applyPatch, createTwoFilesPatch } from "diff";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { catalogue, type Kata } from "../katas/catalogue.ts";
import { repositoryRoot } from "../harness/engine/under-test.ts";
import { bundleCache } from "../harness/engine/worker-bundle.ts";

/** Which folder an answer is kept in, and what the suite must make of it. */
export type Knowledge = "wrong" | "right";

export interface KnownAnswer {
  kind: Knowledge;
  /** The bug's or the design's name: the part between the stem and the extension. */
  name: string;
  /** Where it is kept, from the repository root: the .ts, or the .patch. */
  source: string;
  /** The program to swap in (a path from the repository root, or absolute): the .ts, or the patched reference. */
  file: string;
  /** The kata file it stands in for. */
  replaces: string;
  /** Why it cannot be used, if it cannot (a patch that does not apply). */
  problem?: string;
}

/** The comment every answer opens with, and what it names. */
const HEADERS: Record<Knowledge, { header: string; names: string }> = {
  wrong: { header: "// KNOWN WRONG: ", names: "the bug" },
  right: { header: "// KNOWN RIGHT: ", names: "the design" },
};

export function knownWrongAnswers(kata: Kata): KnownAnswer[] {
  return knownAnswers(kata, "wrong");
}

export function knownRightAnswers(kata: Kata): KnownAnswer[] {
  return knownAnswers(kata, "right");
}

export function knownAnswers(kata: Kata, kind: Knowledge): KnownAnswer[] {
  const folder = path.join(repositoryRoot, "solutions", kata.slug, kind);
  if (!existsSync(folder)) return [];
  return readdirSync(folder)
    .filter((file) => file.endsWith(".ts") || file.endsWith(".patch"))
    .sort()
    .map((file) => {
      const stem = file.split(".")[0]!;
      const extension = path.extname(file);
      const replaces = replacedBy(kata, file);
      const source = path.join("solutions", kata.slug, kind, file);
      const answer: KnownAnswer = {
        kind,
        name: file.slice(stem.length + 1, -extension.length),
        source,
        file: source,
        replaces,
      };
      if (extension === ".patch") {
        const reference = path.join("solutions", kata.slug, replaces);
        const program = patched(reference, source);
        if (typeof program === "string") {
          answer.file = path.join(bundleCache, kind, kata.slug, file.replace(/\.patch$/, ".ts"));
          mkdirSync(path.dirname(answer.file), { recursive: true });
          writeFileSync(answer.file, program);
        } else answer.problem = program.problem;
      }
      return answer;
    });
}

/** What is wrong with a kata's known answers of one kind as kept: a name that fits no kata file, a
 *  missing header, a patch that no longer applies; and for right/, fewer than two answers. */
export function knownAnswerProblems(kata: Kata, kind: Knowledge): string[] {
  const { header, names } = HEADERS[kind];
  const answers = knownAnswers(kata, kind);
  const problems: string[] = [];
  if (kind === "wrong" && answers.length === 0)
    problems.push(`solutions/${kata.slug}/wrong/ holds no known-wrong answer`);
  if (kind === "right" && answers.length < 2)
    problems.push(
      `solutions/${kata.slug}/right/ holds ${answers.length} known-right answer(s); at least two, in designs other than the reference's`,
    );
  for (const answer of answers) {
    if (!kata.files.includes(answer.replaces))
      problems.push(`${answer.source}: its name must start with the stem of a kata file (${kata.files.join(", ")})`);
    if (!readFileSync(path.join(repositoryRoot, answer.source), "utf8").startsWith(header))
      problems.push(`${answer.source} must open with a "${header}<${names}>" comment`);
    if (answer.problem) problems.push(answer.problem);
  }
  return problems;
}

/** The kata file an answer in wrong/ or right/ stands in for: the one whose name starts with the same stem. */
function replacedBy(kata: Kata, file: string): string {
  const stem = path.basename(file).split(".")[0]!;
  return kata.files.find((kataFile) => kataFile.split(".")[0] === stem) ?? `${stem}.ts`;
}

/** A patch's header: the comment lines before its diff. */
function headerOf(patch: string): string {
  const diff = patch.search(/^--- /m);
  return diff < 0 ? patch : patch.slice(0, diff);
}

/** The opening comment of a program: its first lines, as long as they start with "//". */
function openingComment(text: string): string {
  const end = text.search(/^(?!\/\/)/m);
  return end < 0 ? text : text.slice(0, end);
}

/**
 * The program a patch stands for: the reference with the patch applied, its opening comment (which
 * describes the right answer) replaced by the patch's header. The diff itself leaves that comment
 * alone, so its line numbers are the reference's and `patch`/`git apply` take it as it is.
 */
function patched(reference: string, patchFile: string, fuzzFactor = 0): string | { problem: string } {
  const referencePath = path.join(repositoryRoot, reference);
  if (!existsSync(referencePath))
    return { problem: `${patchFile}: ${reference}, the reference it patches, is missing` };
  const text = readFileSync(path.join(repositoryRoot, patchFile), "utf8");
  const original = readFileSync(referencePath, "utf8");
  const applied = applyPatch(original, text.slice(headerOf(text).length), { fuzzFactor });
  if (applied === false)
    return {
      problem: `${patchFile} no longer applies to ${reference}: make the change to the reference again (npx tsx scripts/known-wrong.ts file ${patchFile}, check, then patch)`,
    };
  return headerOf(text) + applied.slice(openingComment(applied).length);
}

/** A whole-program answer as a patch against its reference (written beside it; the .ts goes). */
function toPatch(file: string): void {
  const { kata, kind } = kataOf(file);
  const reference = path.join("solutions", kata.slug, replacedBy(kata, file));
  const text = readFileSync(path.join(repositoryRoot, file), "utf8");
  const { header: opening } = HEADERS[kind];
  if (!text.startsWith(opening)) throw new Error(`${file} does not open with "${opening.trim()}"`);
  const original = readFileSync(path.join(repositoryRoot, reference), "utf8");
  const referenceComment = openingComment(original);
  // The header is the answer's opening comment, less the reference's if it kept that too.
  const comment = openingComment(text);
  const header =
    referenceComment && comment.endsWith(referenceComment) ? comment.slice(0, -referenceComment.length) : comment;
  const program = header + text.slice(comment.length);
  const diff = createTwoFilesPatch(
    reference,
    file,
    original,
    referenceComment + text.slice(comment.length),
    undefined,
    undefined,
    { context: 3 },
  );
  const patchFile = file.replace(/\.ts$/, ".patch");
  // The first line of createTwoFilesPatch is a "====" separator: the header takes its place.
  writeFileSync(path.join(repositoryRoot, patchFile), header + diff.slice(diff.indexOf("\n") + 1));
  if (patched(reference, patchFile) !== program) throw new Error(`${patchFile} does not give ${file} back: kept both`);
  rmSync(path.join(repositoryRoot, file));
  console.log(`${file} -> ${patchFile}${program === text ? "" : " (without the reference's opening comment)"}`);
}

/** A patch answer as the whole program, to read or edit (the .patch goes). A patch the reference
 *  has moved away from is applied loosely (lines around a change may differ): check the result. */
function toFile(patchFile: string): void {
  const { kata } = kataOf(patchFile);
  const reference = path.join("solutions", kata.slug, replacedBy(kata, patchFile));
  let program = patched(reference, patchFile);
  let note = "";
  if (typeof program !== "string") {
    program = patched(reference, patchFile, 3);
    note = "  (applied loosely: the reference has changed around the bug; check it)";
  }
  if (typeof program !== "string") throw new Error(`${program.problem}; not even loosely: make the change by hand`);
  const file = patchFile.replace(/\.patch$/, ".ts");
  writeFileSync(path.join(repositoryRoot, file), program);
  rmSync(path.join(repositoryRoot, patchFile));
  console.log(`${patchFile} -> ${file}${note}`);
}

function kataOf(file: string): { kata: Kata; kind: Knowledge } {
  const [, slug, kind] = path.relative(repositoryRoot, path.resolve(file)).split(path.sep);
  const kata = catalogue.find((k) => k.slug === slug);
  if (!kata || (kind !== "wrong" && kind !== "right"))
    throw new Error(`${file} is not in solutions/<kata>/wrong/ or solutions/<kata>/right/`);
  return { kata, kind };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const [command, ...files] = process.argv.slice(2);
  const act = command === "patch" ? toPatch : command === "file" ? toFile : undefined;
  if (!act || files.length === 0) {
    console.error(
      "usage: npx tsx scripts/known-wrong.ts patch <wrong/ or right/ .ts file>... | file <wrong/ or right/ .patch file>...",
    );
    process.exit(2);
  }
  for (const file of files) act(path.relative(repositoryRoot, path.resolve(file)));
}
