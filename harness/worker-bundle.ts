// What every bundle that runs in a worker thread shares: the harness's actors, the benchmarks'
// workers and kata 11's threads. esbuild makes one ES module with an inline source map (stacks then
// name the .ts files and lines), and the module is written under a name from its content hash.
// This file imports no esbuild at run time, so code bundled into a worker (toolkit/start-worker.ts)
// can use it too.

import type { BuildOptions } from "esbuild";
import { createHash } from "node:crypto";
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { repositoryRoot } from "./under-test.ts";

/** Code bound for a thread could not be bundled (a syntax error, an import that resolves nowhere). */
export class ScenarioLoadError extends Error {
  override name = "ScenarioLoadError";
}

export const bundleCache = path.join(repositoryRoot, "node_modules", ".cache", "threadkata");

/** esbuild options for one TypeScript entry, bundled for a worker; `outfile` only names the source map's home. */
export function workerBundleOptions(entry: { contents: string; resolveDir: string; sourcefile: string }, outfile: string) {
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
