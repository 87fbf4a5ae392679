// How TypeScript gets into a worker thread: esbuild bundles the scenario file, the harness's actor
// runtime and the code under test into one ES module with an inline source map. Measured on Node 20
// (2 cores): a bundled worker starts in about 50 ms; tsx's ESM register() in a worker costs about
// 260 ms, and `--import tsx` does not reach workers below Node 22.22 at all.

import { build, formatMessages, stop, type Message, type Plugin } from "esbuild";
import { createHash } from "node:crypto";
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { relativeToRepository, repositoryRoot, resolveKataFile, underTest, type UnderTest } from "./under-test.ts";

export class ScenarioLoadError extends Error {
  override name = "ScenarioLoadError";
}

const cacheDirectory = path.join(repositoryRoot, "node_modules", ".cache", "threadkata");

function resolution(target: UnderTest): Plugin {
  return {
    name: "threadkata-under-test",
    setup(on) {
      on.onResolve({ filter: /^#kata\// }, (args) => {
        try {
          return { path: resolveKataFile(args.path.slice("#kata/".length), target) };
        } catch (error) {
          return { errors: [{ text: (error as Error).message }] };
        }
      });
      // Kata files reach the harness and the ready primitives the same way wherever they live
      // (a teacher's folder too).
      on.onResolve({ filter: /^#threadkata\// }, (args) => ({
        path: path.join(repositoryRoot, "harness", args.path.slice("#threadkata/".length)),
      }));
      on.onResolve({ filter: /^#toolkit\// }, (args) => ({
        path: path.join(repositoryRoot, "toolkit", args.path.slice("#toolkit/".length)),
      }));
    },
  };
}

export interface Bundle {
  /** file: URL of the bundled module. */
  url: string;
  /** The code-under-test files that went into it, relative to the repository. */
  underTest: string[];
}

/** Bundles a scenario file with the actor runtime; throws ScenarioLoadError on a syntax error. */
export async function bundleScenarios(scenarioFile: string): Promise<Bundle> {
  const target = underTest();
  const runtime = path.join(repositoryRoot, "harness", "actor-runtime.ts");
  const entry = [
    `import * as scenarios from ${JSON.stringify(scenarioFile)};`,
    `import { serve } from ${JSON.stringify(runtime)};`,
    `serve(scenarios);`,
  ].join("\n");
  const result = await build({
    stdin: { contents: entry, resolveDir: path.dirname(scenarioFile), sourcefile: "threadkata-entry.ts", loader: "ts" },
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    sourcemap: "inline",
    sourcesContent: false,
    write: false,
    // Source-map paths are relative to the output file, so name it where it will be written.
    outfile: path.join(cacheDirectory, "bundle.mjs"),
    metafile: true,
    absWorkingDir: repositoryRoot,
    logLevel: "silent",
    plugins: [resolution(target)],
  }).catch(async (failure: { errors?: Message[] }) => {
    const text = failure.errors
      ? (await formatMessages(failure.errors, { kind: "error", color: false })).join("\n")
      : String(failure);
    throw new ScenarioLoadError(`the code could not be loaded:\n${text.trim()}`);
  });
  const code = result.outputFiles[0]!.contents;
  const hash = createHash("sha256").update(code).digest("hex").slice(0, 16);
  mkdirSync(cacheDirectory, { recursive: true });
  const file = path.join(cacheDirectory, `${path.basename(scenarioFile, ".ts")}.${hash}.mjs`);
  // Test files run in parallel processes: write aside, then rename, so no one reads half a file.
  const scratch = `${file}.${process.pid}.tmp`;
  writeFileSync(scratch, code);
  renameSync(scratch, file);
  const inputs = Object.keys(result.metafile.inputs).map((input) => path.resolve(repositoryRoot, input));
  const codeUnderTest = [...target.swaps.values(), target.source];
  return {
    url: pathToFileURL(file).href,
    underTest: inputs
      .filter((input) => codeUnderTest.some((root) => input === root || input.startsWith(root + path.sep)))
      .map(relativeToRepository),
  };
}

/** Ends esbuild's helper process, so that nothing outlives the test file that bundled. */
export async function stopBundler(): Promise<void> {
  await stop();
}
