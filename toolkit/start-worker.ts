// Starts a worker thread on TypeScript functions: the plumbing under kata 11's Thread, ready-made
// because it is not the lesson. A thread's target cannot be a closure (threads share no heap), so it
// is named by its module and export: [new URL("./jobs.ts", import.meta.url), "countTo"].
//
//   const worker = startWorker([jobs, "countTo"], { bootstrap: [import.meta.url, "bootstrap"], workerData });
//
// In the new thread, `bootstrap(countTo)` is called with the target function itself; workerData is
// there as usual (node:worker_threads). The two modules (and what they import) are bundled with
// esbuild into one file with an inline source map, so stacks name the .ts files and lines; on Node 20
// a worker cannot load TypeScript by itself (`--import tsx` does not reach workers, and tsx's
// register() costs ~260 ms per worker). The bundle is built synchronously (esbuild's buildSync, about
// 90 ms) and kept, in this thread and on disk for the next process while its files are unchanged
// (harness/engine/worker-bundle.ts), so startWorker returns the Worker at once and `worker.threadId` is known at once, like Python's `thread.ident` after `start()`.
//
// Modules are file: URLs, absolute paths, or "#kata/...", "#toolkit/...", "#threadkata/..." specifiers,
// resolved as the harness does (THREADKATA_SOURCE and THREADKATA_SWAP apply to #kata/). Inside the
// modules of a started thread, import.meta.url is the bundle's, not the file's: name targets there by
// "#kata/..." specifiers if a started thread starts threads of its own.

import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { importAliases, repositoryRoot, resolveImport } from "../harness/engine/under-test.ts";
import {
  bundleCache,
  rememberBundle,
  rememberedBundle,
  workerBundleOptions,
  writeBundle,
} from "../harness/engine/worker-bundle.ts";
import { threadResourceLimits } from "../harness/engine/limits.ts";

/** A target or bootstrap module that could not be bundled (a syntax error, a missing export): the harness reports it as a load failure. */
export class ModuleLoadError extends Error {
  override name = "ModuleLoadError";
}

/** A function exported by a module: what a thread runs. */
export type Target = readonly [module: string | URL, exportName: string];

export interface StartWorkerOptions {
  /** The function the new thread calls first, with the target function as its argument. */
  bootstrap: Target;
  /** Handed to the new thread as `workerData` (structured clone; SharedArrayBuffers are shared). */
  workerData?: unknown;
  /** Shown in debuggers and Node's own messages about the worker. */
  name?: string;
}

const cacheDirectory = path.join(bundleCache, "threads");
/** Bundles made or found by this thread: what a bundle depends on (entry, #kata/ aliases) → its file: URL. */
const bundles = new Map<string, string>();

/** Starts a worker thread that calls `bootstrap(target)`; the Worker's events are yours to listen to. */
export function startWorker(target: Target, options: StartWorkerOptions): Worker {
  const url = bundleFor(target, options.bootstrap);
  // Source maps must be on before the bundle is compiled: a tiny loader turns them on, then imports it.
  const loader = `process.setSourceMapsEnabled(true);\nimport(${JSON.stringify(url)});`;
  // The harness's heap limit: an answer that allocates without end ends its thread, not the process.
  return new Worker(loader, {
    eval: true,
    workerData: options.workerData,
    name: options.name,
    resourceLimits: threadResourceLimits,
  });
}

export function modulePath(module: string | URL): string {
  const text = module instanceof URL ? module.href : module;
  if (text.startsWith("file:")) return fileURLToPath(text);
  return resolveImport(text) ?? path.resolve(text);
}

function bundleFor(target: Target, bootstrap: Target): string {
  const entry = [
    `import { ${bootstrap[1]} as bootstrap } from ${JSON.stringify(modulePath(bootstrap[0]))};`,
    `import { ${target[1]} as target } from ${JSON.stringify(modulePath(target[0]))};`,
    `bootstrap(target);`,
  ].join("\n");
  return bundleSync(
    { contents: entry, resolveDir: repositoryRoot, sourcefile: "thread-entry.ts" },
    cacheDirectory,
    "thread",
    `[${String(target[0])}, "${target[1]}"]`,
  );
}

/**
 * Bundles one TypeScript entry for a worker thread, synchronously (esbuild's buildSync: plugins
 * cannot run, so package.json's "imports" are aliases: #kata/ follows THREADKATA_SOURCE and
 * THREADKATA_SWAP, as in the harness's bundles), once per thread and entry. Returns the bundle's
 * file: URL; throws ModuleLoadError (a load failure, as the harness reports it) if it cannot.
 */
export function bundleSync(
  stdin: { contents: string; resolveDir: string; sourcefile: string },
  directory: string,
  stem: string,
  what: string,
): string {
  const alias = importAliases();
  const key = JSON.stringify({ stdin, alias, stem });
  const known = bundles.get(key) ?? rememberedBundle(directory, key)?.url;
  if (known) {
    bundles.set(key, known);
    return known;
  }
  const esbuild = createRequire(path.join(repositoryRoot, "package.json"))("esbuild") as typeof import("esbuild");
  let result;
  try {
    result = esbuild.buildSync({
      ...workerBundleOptions(stdin, path.join(directory, `${stem}.mjs`)),
      alias,
      metafile: true,
    });
  } catch (failure) {
    const errors = (failure as { errors?: { text: string; location?: { file: string; line: number } | null }[] })
      .errors;
    const text = errors
      ?.map((e) => (e.location ? `${e.location.file}:${e.location.line}: ${e.text}` : e.text))
      .join("\n");
    throw new ModuleLoadError(`could not load ${what}:\n${text ?? String(failure)}`);
  }
  const url = writeBundle(result.outputFiles[0]!.contents, directory, stem);
  rememberBundle(
    directory,
    key,
    url,
    Object.keys(result.metafile!.inputs).map((input) => path.resolve(repositoryRoot, input)),
  );
  bundles.set(key, url);
  return url;
}
