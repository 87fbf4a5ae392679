// Puts a kata's learner files back as git's last commit has them, and nothing else: never another
// file, never the git index. Asks first, since the learner's work in them is lost.

import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Kata } from "../../katas/catalogue.ts";
import { forgetResult } from "../../harness/course/progress.ts";
import type { KataEnvironment } from "./environment.ts";
import { shortName } from "./find-kata.ts";

export async function reset(env: KataEnvironment, kata: Kata, yes: boolean): Promise<number> {
  const { course, paint } = env;
  if (!env.git) {
    env.write("reset needs git, which is not installed here.\n");
    return 1;
  }
  const git = (args: string[]) => spawnSync(env.git!, args, { cwd: course.root, maxBuffer: 64 << 20 });
  const changed: { file: string; original: Buffer }[] = [];
  for (const name of kata.files) {
    const file = `katas/${kata.slug}/${name}`;
    if (git(["ls-files", "--error-unmatch", "--", file]).status !== 0) {
      env.write(
        `${file} is not tracked by git, so there is no original to restore it from.\n(reset works in a git clone of threadkata.)\n`,
      );
      return 1;
    }
    const original = git(["show", `HEAD:./${file}`]);
    if (original.status !== 0) {
      env.write(`${file} is not in git's last commit, so there is no original to restore it from.\n`);
      return 1;
    }
    const absolute = path.join(course.root, file);
    if (!existsSync(absolute) || !readFileSync(absolute).equals(original.stdout))
      changed.push({ file, original: original.stdout });
  }
  if (changed.length === 0) {
    const files = kata.files.map((name) => `katas/${kata.slug}/${name}`).join(" ");
    env.write(
      `${kata.slug} has no changes since your last commit: nothing to reset.\n${paint.dim(`Older versions, the stub among them: git log -p -- ${files}`)}\n`,
    );
    return 1;
  }
  const list = changed.map((c) => c.file).join(", ");
  if (!yes) {
    if (!env.interactive) {
      env.write(
        `reset would throw away your changes to ${list}.\nTo do it anyway: npm run kata -- reset ${shortName(kata)} --yes\n`,
      );
      return 1;
    }
    if (!(await env.ask(`Throw away your changes to ${list}? [y/N] `))) {
      env.write("Nothing changed.\n");
      return 0;
    }
  }
  for (const { file, original } of changed) writeFileSync(path.join(course.root, file), original);
  forgetResult(course, kata.slug);
  env.write(`${paint.green("✓")} restored ${list} as in your last commit.\n`);
  return 0;
}
