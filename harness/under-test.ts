// The one place that decides which code a suite tests. Scenario files import the code under test as
// "#kata/NN-slug/file.ts"; by default that is the learner's katas/ tree (package.json "imports"),
// and the harness bundler redirects it here:
//
//   THREADKATA_SOURCE=solutions npm test             a whole tree laid out like katas/
//   THREADKATA_SWAP=02-lock/lock.ts=~/alice/lock.ts  single files on top of that tree
//
// The self-check uses both: the references are THREADKATA_SOURCE=solutions, and each known-wrong
// answer is one swapped file.

import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { checkSetting, expandHome } from "./settings.ts";

export const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

export interface UnderTest {
  /** The tree laid out like katas/. */
  source: string;
  /** kata-relative path ("02-lock/lock.ts") → the file that replaces it. */
  swaps: Map<string, string>;
}

export function underTest(env: NodeJS.ProcessEnv = process.env): UnderTest {
  const source = path.resolve(repositoryRoot, expandHome(checkSetting("THREADKATA_SOURCE", env) ?? "katas"));
  const swaps = new Map<string, string>();
  for (const pair of (checkSetting("THREADKATA_SWAP", env) ?? "").split(",").filter(Boolean)) {
    const [kataPath, file] = pair.split("=") as [string, string];
    swaps.set(path.normalize(kataPath), path.resolve(repositoryRoot, expandHome(file)));
  }
  return { source, swaps };
}

/** The file that "#kata/<kataPath>" means for this run. */
export function resolveKataFile(kataPath: string, target: UnderTest = underTest()): string {
  const normal = path.normalize(kataPath);
  const file = target.swaps.get(normal) ?? path.join(target.source, normal);
  if (!existsSync(file)) {
    throw new Error(`the code under test is missing: ${relativeToRepository(file)} (looked for #kata/${kataPath})`);
  }
  return file;
}

/** Paths inside the repository, as a learner would type them. */
export function relativeToRepository(file: string): string {
  const relative = path.relative(repositoryRoot, file);
  return relative.startsWith("..") ? file : relative;
}

/** Shortens every absolute path inside the repository found in a message or stack. */
export function shortenPaths(text: string): string {
  return text.split(`file://${repositoryRoot}/`).join("").split(`${repositoryRoot}/`).join("");
}
