// The one place that decides which code a suite tests. Scenario files import the code under test as
// "#kata/NN-slug/file.ts"; by default that is the learner's katas/ tree (package.json "imports"),
// and the harness bundler redirects it here:
//
//   THREADKATA_SOURCE=solutions npm test             a whole tree laid out like katas/
//   THREADKATA_SWAP=02-lock/lock.ts=~/alice/lock.ts  single files on top of that tree
//
// The self-check uses both: the references are THREADKATA_SOURCE=solutions, and each known-wrong
// answer is one swapped file.

import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { checkSetting, expandHome } from "./settings.ts";

export const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

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

/**
 * package.json's "imports" that the harness honours ("#toolkit/*": "./toolkit/*", ...): prefix →
 * folder. Read when first needed: node and esbuild resolve these by themselves only for files inside
 * the repository, and the code under test may live anywhere (a teacher's folder, /tmp).
 */
let packageImports: Map<string, string> | undefined;

function importFolders(): Map<string, string> {
  if (packageImports) return packageImports;
  const manifest = JSON.parse(readFileSync(path.join(repositoryRoot, "package.json"), "utf8")) as {
    imports?: Record<string, string>;
  };
  packageImports = new Map();
  for (const [pattern, target] of Object.entries(manifest.imports ?? {})) {
    if (!pattern.endsWith("/*") || typeof target !== "string" || !target.endsWith("/*")) continue;
    packageImports.set(pattern.slice(0, -1), path.join(repositoryRoot, target.slice(0, -1)));
  }
  return packageImports;
}

/**
 * The file an import specifier means, wherever the importing file lives: "#kata/..." is the code under
 * test (THREADKATA_SOURCE, THREADKATA_SWAP), the other "#name/..." are package.json's "imports";
 * undefined for any other specifier (a relative path, a package). Throws if the code under test is
 * missing. The harness's bundles, the benchmarks' and the toolkit's threads all resolve through it.
 */
export function resolveImport(specifier: string, target: UnderTest = underTest()): string | undefined {
  if (specifier.startsWith("#kata/")) return resolveKataFile(specifier.slice("#kata/".length), target);
  for (const [prefix, folder] of importFolders()) {
    if (specifier.startsWith(prefix)) return path.join(folder, specifier.slice(prefix.length));
  }
  return undefined;
}

/**
 * The same resolution as esbuild aliases, for its synchronous API (which runs no plugins): "#kata"
 * to the tree under test, each swapped file, and every other "imports" folder.
 */
export function importAliases(target: UnderTest = underTest()): Record<string, string> {
  const alias: Record<string, string> = {};
  for (const [prefix, folder] of importFolders()) alias[prefix.slice(0, -1)] = folder;
  alias["#kata"] = target.source;
  for (const [kataPath, file] of target.swaps) alias[`#kata/${kataPath}`] = file;
  return alias;
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
