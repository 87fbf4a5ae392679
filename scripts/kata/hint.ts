// Hints one at a time, vague to specific, as the koans give them: each call shows one more and
// remembers it in .threadkata/hints.json.

import path from "node:path";
import type { Kata } from "../../katas/catalogue.ts";
import { readJson, writeJson } from "../../harness/course/progress.ts";
import type { KataEnvironment } from "./environment.ts";
import { shortName } from "./find-kata.ts";

/** Breaks a long hint into lines that read well in a terminal. */
export function wrap(text: string, width = 76, indent = "  "): string {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines.map((l) => indent + l).join("\n");
}

const hintsFile = (env: KataEnvironment) => path.join(env.course.stateDir, "hints.json");

export function hintsSeen(env: KataEnvironment, kata: Kata): number {
  return Math.min(readJson<Record<string, number>>(hintsFile(env), {})[kata.slug] ?? 0, kata.hints.length);
}

export function showHint(env: KataEnvironment, kata: Kata): number {
  const { paint } = env;
  const shown = readJson<Record<string, number>>(hintsFile(env), {});
  const total = kata.hints.length;
  const seen = hintsSeen(env, kata);
  if (seen === total) {
    const all = kata.hints.map((hint, index) => `${paint.bold(`Hint ${index + 1} of ${total}`)}\n${wrap(hint)}`);
    env.write(`All ${total} hints for ${kata.slug} are out; here they are again.\n\n${all.join("\n\n")}\n`);
    return 0;
  }
  writeJson(hintsFile(env), { ...shown, [kata.slug]: seen + 1 });
  const left = total - seen - 1;
  const more = left === 0 ? "That was the last hint." : `${left} more: npm run kata -- hint ${shortName(kata)}`;
  env.write(
    `${paint.bold(`Hint ${seen + 1} of ${total}`)} for ${kata.slug}\n${wrap(kata.hints[seen]!)}\n\n${paint.dim(more)}\n`,
  );
  return 0;
}
