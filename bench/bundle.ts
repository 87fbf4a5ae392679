// TypeScript into the benchmark's worker threads, the way the harness does it (harness/engine/bundle.ts):
// esbuild bundles a worker's tasks with one subject (the code being measured) into one ES module.
// One bundle per subject keeps each worker's call sites monomorphic, so no subject pays for another.

import { build, formatMessages, type Message } from "esbuild";
import path from "node:path";
import { resolution } from "../harness/engine/bundle.ts";
import { bundleCache, workerBundleOptions, writeBundle } from "../harness/engine/worker-bundle.ts";
import { repositoryRoot, underTest } from "../harness/engine/under-test.ts";

const cacheDirectory = path.join(bundleCache, "bench");

/** Whose code "#kata/..." means: the reference in solutions/, or the learner's tree (THREADKATA_SOURCE/SWAP apply). */
export type Source = "reference" | "learner";

export class BundleError extends Error {
  override name = "BundleError";
}

function target(source: Source) {
  return source === "reference" ? underTest({ THREADKATA_SOURCE: "solutions" }) : underTest(process.env);
}

async function bundle(name: string, contents: string, source: Source): Promise<string> {
  const result = await build({
    ...workerBundleOptions(
      { contents, resolveDir: path.join(repositoryRoot, "bench"), sourcefile: `${name}.entry.ts` },
      path.join(cacheDirectory, `${name}.mjs`),
    ),
    packages: "external",
    plugins: [resolution(target(source))],
  }).catch(async (failure: { errors?: Message[] }) => {
    const text = failure.errors
      ? (await formatMessages(failure.errors, { kind: "error", color: false })).join("\n")
      : String(failure);
    throw new BundleError(`the code could not be loaded:\n${text.trim()}`);
  });
  return writeBundle(result.outputFiles[0]!.contents, cacheDirectory, name);
}

/**
 * A worker bundle: `workerModule` (in bench/workers/) exports `tasks(subject)`, and the subject
 * module (in bench/workers/subjects/) is the code measured. Returns the bundle's file: URL.
 */
export async function bundleWorker(
  workerModule: string,
  subjectModule: string,
  source: Source = "reference",
): Promise<string> {
  const file = (name: string) => JSON.stringify(path.join(repositoryRoot, "bench", "workers", name));
  const contents = [
    `import * as subject from ${file(`subjects/${subjectModule}`)};`,
    `import { tasks } from ${file(workerModule)};`,
    `import { serve } from ${file("serve.ts")};`,
    `serve(tasks(subject));`,
  ].join("\n");
  const name = `${path.basename(workerModule, ".ts")}-${path.basename(subjectModule, ".ts")}-${source}`;
  return bundle(name, contents, source);
}

/** A plain program (the Atomics.Mutex child process), bundled so that `node` can run it without tsx. */
export async function bundleProgram(programFile: string): Promise<string> {
  const contents = `import ${JSON.stringify(path.resolve(repositoryRoot, programFile))};`;
  return bundle(path.basename(programFile, ".ts"), contents, "reference");
}
