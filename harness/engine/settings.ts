// Every THREADKATA_* setting, read and checked in one place. A run checks them all once, before any
// test starts (vitest.config.ts, the kata command, the benchmarks): a bad value stops the run with
// one line that echoes it, instead of failing every test with the same message.
//
//   THREADKATA_STRESS=quick|default|heavy|soak   repetitions and time budget per test
//   THREADKATA_DEADLINE_MS=2000                  how long without progress counts as stuck
//   THREADKATA_SEED=0x1234abcd                   the seed for the harness's random choices (32 bits)
//   THREADKATA_SOURCE=solutions                  the tree laid out like katas/ that is tested
//   THREADKATA_SWAP=02-lock/lock.ts=~/bob.ts     single files swapped into that tree
//   THREADKATA_SUMMARY=off                       no summary table at the end of npm test
//   THREADKATA_WATCH=02-lock                     (set by npm run kata -- watch) the kata watched
//   THREADKATA_EXPLORE=on|off|only               the explore mode before the stress run (on), or not
//   THREADKATA_REPLAY=lastCoin/5f3a91c2/7/0*3.1  replays one explored schedule, as a failure printed it

import { existsSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

export const stressLevels = ["quick", "default", "heavy", "soak"] as const;

/** A setting with a value the harness cannot use. */
export class BadSetting extends Error {
  override name = "BadSetting";
}

/** The settings a run reads, each either valid or explained. */
const checks: Record<string, (value: string) => string | undefined> = {
  THREADKATA_STRESS: (value) =>
    (stressLevels as readonly string[]).includes(value) ? undefined : `must be one of ${stressLevels.join(", ")}`,
  THREADKATA_DEADLINE_MS: (value) => {
    const ms = Number(value);
    return /^\s*\d+(\.\d+)?\s*$/.test(value) && ms > 0 && ms <= 3_600_000
      ? undefined
      : "must be a number of milliseconds, above 0 and at most 3600000 (an hour)";
  },
  THREADKATA_SEED: (value) =>
    parseSeed(value) === undefined
      ? "must be a whole number that fits in 32 bits: 0x0 to 0xffffffff, or 0 to 4294967295"
      : undefined,
  THREADKATA_SOURCE: (value) => {
    const folder = path.resolve(root, expandHome(value));
    return statSync(folder, { throwIfNoEntry: false })?.isDirectory()
      ? undefined
      : `must be a folder laid out like katas/; there is no folder ${folder}`;
  },
  THREADKATA_SWAP: (value) => {
    for (const pair of value.split(",").filter(Boolean)) {
      const [kataPath, file, extra] = pair.split("=");
      if (!kataPath || !file || extra !== undefined)
        return `wants kata/file.ts=path pairs, separated by commas; "${pair}" is not one`;
      if (!/^\d\d-[\w-]+\/.+\.ts$/.test(path.normalize(kataPath)))
        return `names a kata file as NN-slug/file.ts; "${kataPath}" is not one`;
      if (!existsSync(path.resolve(root, expandHome(file)))) return `swaps in ${file}, which does not exist`;
    }
    return undefined;
  },
  THREADKATA_SUMMARY: (value) => (value === "off" || value === "on" ? undefined : "must be off or on"),
  THREADKATA_WATCH: () => undefined,
  THREADKATA_EXPLORE: (value) => (["on", "off", "only"].includes(value) ? undefined : "must be on, off or only"),
  THREADKATA_REPLAY: (value) =>
    /^[\w$]+\/[0-9a-f]{8}\/\d+\/(\d+(\*\d+)?(\.\d+(\*\d+)?)*)?$/i.test(value.trim())
      ? undefined
      : "must be a schedule as a failure printed it (scenario/seed/repetition/decisions, like lastCoin/5f3a91c2/7/0*3.1.0*2)",
};

export function expandHome(file: string): string {
  return file.startsWith("~/") ? path.join(os.homedir(), file.slice(2)) : file;
}

/** A seed as typed (0x... or decimal), if it is a whole number in 0 .. 2^32 - 1. */
export function parseSeed(text: string): number | undefined {
  const trimmed = text.trim();
  if (!/^(0x[0-9a-f]+|\d+)$/i.test(trimmed)) return undefined;
  const seed = Number(trimmed);
  return Number.isSafeInteger(seed) && seed >= 0 && seed <= 0xffff_ffff ? seed : undefined;
}

/**
 * What is wrong with the settings in `env`, one line each, the bad value echoed; empty when all is
 * well. A name the harness does not know is a warning only (a typo, or a setting of a newer version).
 */
export function settingProblems(env: NodeJS.ProcessEnv = process.env): { problem: string; fatal: boolean }[] {
  const problems: { problem: string; fatal: boolean }[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith("THREADKATA_") || value === undefined || value === "") continue;
    const check = checks[name];
    if (!check) {
      const near = Object.keys(checks).find((known) => closeEnough(known, name));
      problems.push({
        problem: `${name} is not a threadkata setting${near ? ` (did you mean ${near}?)` : ""}; ignored`,
        fatal: false,
      });
      continue;
    }
    const why = check(value);
    if (why) problems.push({ problem: `${name} ${why}; got "${value}"`, fatal: true });
  }
  return problems;
}

/** Throws BadSetting naming the first problem with `name`, if it has one (each reader calls this). */
export function checkSetting(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const value = env[name];
  if (value === undefined || value === "") return undefined;
  const why = checks[name]?.(value);
  if (why) throw new BadSetting(`${name} ${why}; got "${value}"`);
  return value;
}

/**
 * For the start of a run: prints every problem, one line each, and ends the process with exit code
 * 2 (the run did not understand what it was asked), before any test has started.
 */
export function exitOnBadSettings(env: NodeJS.ProcessEnv = process.env): void {
  const problems = settingProblems(env);
  for (const { problem } of problems) process.stderr.write(`threadkata: ${problem}\n`);
  if (problems.some((p) => p.fatal)) process.exit(2);
}

/** One letter added, dropped or changed, or a different case: a likely typo. */
function closeEnough(known: string, typed: string): boolean {
  if (known.toUpperCase() === typed.toUpperCase()) return true;
  const [a, b] = known.length <= typed.length ? [known, typed] : [typed, known];
  if (b.length - a.length > 1) return false;
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return a.slice(i + (a.length === b.length ? 1 : 0)) === b.slice(i + 1);
}
