// Your answer beside the reference: a diff from katas/<kata>/<file> to solutions/<kata>/<file>.
// git's diff where git is installed (the output learners know), our own otherwise.

import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import type { Kata } from "../../katas/catalogue.ts";
import { readProgress } from "../../harness/course/progress.ts";
import type { KataEnvironment } from "./environment.ts";
import { shortName } from "./find-kata.ts";
import { unifiedDiff } from "./line-diff.ts";

const ansi = /\x1b\[[0-9;]*m/g;

/** git diff --no-index, without the two header lines that only say which blobs were compared. */
function gitDiff(env: KataEnvironment, yours: string, reference: string): string | null {
  const colour = env.paint.enabled ? "always" : "never";
  const run = spawnSync(
    env.git!,
    ["diff", "--no-index", "--no-ext-diff", `--color=${colour}`, "--", yours, reference],
    { cwd: env.course.root, encoding: "utf8" },
  );
  // 0: the same, 1: different; anything else (or no status) is git failing.
  if (run.status !== 0 && run.status !== 1) return null;
  return run.stdout
    .split("\n")
    .filter((line) => !/^(diff --git |index )/.test(line.replace(ansi, "")))
    .join("\n");
}

function diff(env: KataEnvironment, yours: string, reference: string): string {
  const fromGit = env.git ? gitDiff(env, yours, reference) : null;
  if (fromGit !== null) return fromGit;
  const read = (file: string) => readFileSync(path.join(env.course.root, file), "utf8");
  return unifiedDiff(read(yours), read(reference), `a/${yours}`, `b/${reference}`, env.paint);
}

export async function compare(env: KataEnvironment, kata: Kata, yes: boolean): Promise<number> {
  const { paint } = env;
  // Solved once is enough: touching the file again afterwards does not make the reference a spoiler.
  const solved = readProgress(env.course)[kata.slug]?.result === "solved";
  if (!solved && !yes) {
    if (!env.interactive) {
      env.write(
        `${kata.slug} is not solved yet, and the reference gives the answer away.\nTo see it anyway: npm run kata -- compare ${shortName(kata)} --yes\n`,
      );
      return 1;
    }
    if (!(await env.ask(`${kata.slug} is not solved yet. No peeking? Show the reference anyway? [y/N] `))) {
      env.write(`Good. Stuck? npm run kata -- hint ${shortName(kata)}\n`);
      return 0;
    }
  }
  let differs = false;
  for (const file of kata.files) {
    const yours = `katas/${kata.slug}/${file}`;
    const reference = `solutions/${kata.slug}/${file}`;
    if (!existsSync(path.join(env.course.root, reference))) {
      env.write(`There is no reference for ${yours} (${reference} is missing).\n`);
      return 1;
    }
    const text = diff(env, yours, reference);
    if (text.trim() === "") env.write(`${yours} is the same as the reference.\n`);
    else env.write(`${text.trimEnd()}\n`);
    differs ||= text.trim() !== "";
  }
  if (differs) env.write(`\n${paint.red("-")} lines are yours, ${paint.green("+")} lines the reference's.\n`);
  return 0;
}
