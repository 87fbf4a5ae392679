// What every bundle that runs in a worker thread shares: the harness's actors, the benchmarks'
// workers and kata 11's threads. esbuild makes one ES module with an inline source map (stacks then
// name the .ts files and lines), and the module is written under a name from its content hash.
// This file imports no esbuild at run time, so code bundled into a worker (toolkit/start-worker.ts)
// can use it too.

import type { BuildOptions } from "esbuild";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { repositoryRoot } from "./under-test.ts";

/** Code bound for a thread could not be bundled (a syntax error, an import that resolves nowhere). */
export class BundleFailed extends Error {
  // The name of the failure it becomes (report/failures.ts), should it ever reach a test as it is.
  override name = "ScenarioLoadError";
}

export const bundleCache = path.join(repositoryRoot, "node_modules", ".cache", "threadkata");

/** esbuild options for one TypeScript entry, bundled for a worker; `outfile` only names the source map's home. */
export function workerBundleOptions(
  entry: { contents: string; resolveDir: string; sourcefile: string },
  outfile: string,
) {
  return {
    stdin: { ...entry, loader: "ts" },
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    sourcemap: "inline",
    sourcesContent: false,
    write: false,
    // Source-map paths are relative to the output file, so name it where it will be written.
    outfile,
    absWorkingDir: repositoryRoot,
    logLevel: "silent",
  } satisfies BuildOptions;
}

/**
 * Bundles kept across processes. esbuild takes ~90 ms for a worker's bundle, paid again by every
 * test run and every program that starts a pool; a bundle is reused when the files it was made from
 * hold the same bytes as then. `key` names everything else the bundle depends on (the entry, where
 * #kata/ points); the manifest beside the bundle lists its input files with a hash of each.
 */
export interface RememberedBundle {
  url: string;
  /** The files the bundle was made from, absolute. */
  inputs: string[];
}

function manifestFile(directory: string, key: string): string {
  return path.join(directory, "manifests", `${createHash("sha256").update(key).digest("hex").slice(0, 24)}.json`);
}

function digest(file: string): string {
  return createHash("sha256").update(readFileSync(file)).digest("hex");
}

/** The bundle made earlier for `key`, if every file it was made from is unchanged. */
export function rememberedBundle(directory: string, key: string): RememberedBundle | undefined {
  try {
    const manifest = JSON.parse(readFileSync(manifestFile(directory, key), "utf8")) as {
      key: string;
      url: string;
      bundle: string;
      inputs: Record<string, string>;
    };
    if (manifest.key !== key || !existsSync(manifest.bundle)) return undefined;
    for (const [file, hash] of Object.entries(manifest.inputs))
      if (!existsSync(file) || digest(file) !== hash) return undefined;
    return { url: manifest.url, inputs: Object.keys(manifest.inputs) };
  } catch {
    return undefined; // none yet, or half written by a process that was killed: bundle afresh
  }
}

/** Notes a bundle just made for `key` from `inputs` (absolute paths), for rememberedBundle(). */
export function rememberBundle(directory: string, key: string, url: string, inputs: string[]): void {
  const hashes: Record<string, string> = {};
  for (const file of inputs) if (existsSync(file)) hashes[file] = digest(file);
  const file = manifestFile(directory, key);
  mkdirSync(path.dirname(file), { recursive: true });
  const scratch = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  writeFileSync(scratch, JSON.stringify({ key, url, bundle: fileURLToPath(url), inputs: hashes }));
  renameSync(scratch, file);
}

/** Writes a bundle as `<stem>.<hash>.mjs` in `directory`; returns its file: URL. */
export function writeBundle(code: Uint8Array, directory: string, stem: string): string {
  const hash = createHash("sha256").update(code).digest("hex").slice(0, 16);
  mkdirSync(directory, { recursive: true });
  const file = path.join(directory, `${stem}.${hash}.mjs`);
  // Test processes and threads bundle at the same time: write aside, then rename, so no one reads
  // half a file.
  const scratch = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  writeFileSync(scratch, code);
  renameSync(scratch, file);
  return pathToFileURL(file).href;
}
