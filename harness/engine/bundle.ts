// How TypeScript gets into a worker thread: esbuild bundles the scenario file, the harness's actor
// runtime and the code under test into one ES module with an inline source map. Measured on Node 20
// (2 cores): a bundled worker starts in about 50 ms; tsx's ESM register() in a worker costs about
// 260 ms, and `--import tsx` does not reach workers below Node 22.22 at all.

import { build, formatMessages, stop, type Message, type Plugin } from "esbuild";
import { readFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import {
  BundleFailed,
  bundleCache,
  rememberBundle,
  rememberedBundle,
  workerBundleOptions,
  writeBundle,
} from "./worker-bundle.ts";
import { relativeToRepository, repositoryRoot, resolveImport, underTest, type UnderTest } from "./under-test.ts";

export { BundleFailed };

const cacheDirectory = bundleCache;

/** Resolves #kata/ (to the code under test), #threadkata/ and #toolkit/; the benchmarks use it too. */
export function resolution(target: UnderTest): Plugin {
  return {
    name: "threadkata-under-test",
    setup(on) {
      // #kata/ is the code under test; #threadkata/ and #toolkit/ are reached the same way from kata
      // files wherever they live (a teacher's folder too).
      on.onResolve({ filter: /^#/ }, (args) => {
        try {
          const file = resolveImport(args.path, target);
          return file === undefined ? undefined : { path: file };
        } catch (error) {
          return { errors: [{ text: (error as Error).message }] };
        }
      });
      // In a bundle every file's import.meta.url would be the bundle's: give each file its own,
      // so that `new URL("./jobs.ts", import.meta.url)` means what it means unbundled.
      on.onLoad({ filter: /\.ts$/ }, (args) => {
        const source = readFileSync(args.path, "utf8");
        if (!source.includes("import.meta.url")) return undefined;
        return {
          contents: source.replaceAll("import.meta.url", JSON.stringify(pathToFileURL(args.path).href)),
          loader: "ts",
        };
      });
    },
  };
}

export interface Bundle {
  /** file: URL of the bundled module. */
  url: string;
  /** The code-under-test files that went into it, relative to the repository. */
  underTest: string[];
}

/** Bundles a scenario file with the actor runtime; throws BundleFailed on a syntax error. */
export async function bundleScenarios(scenarioFile: string): Promise<Bundle> {
  const target = underTest();
  const runtime = path.join(repositoryRoot, "harness", "engine", "actor-runtime.ts");
  const entry = [
    `import * as scenarios from ${JSON.stringify(scenarioFile)};`,
    `import { serve } from ${JSON.stringify(runtime)};`,
    `serve(scenarios);`,
  ].join("\n");
  const key = JSON.stringify({ entry, source: target.source, swaps: [...target.swaps] });
  let bundle = rememberedBundle(cacheDirectory, key);
  if (!bundle) {
    const result = await build({
      ...workerBundleOptions(
        { contents: entry, resolveDir: path.dirname(scenarioFile), sourcefile: "threadkata-entry.ts" },
        path.join(cacheDirectory, "bundle.mjs"),
      ),
      metafile: true,
      plugins: [resolution(target)],
    }).catch(async (failure: { errors?: Message[] }) => {
      const text = failure.errors
        ? (await formatMessages(failure.errors, { kind: "error", color: false })).join("\n")
        : String(failure);
      throw new BundleFailed(`the code could not be loaded:\n${text.trim()}`);
    });
    const url = writeBundle(result.outputFiles[0]!.contents, cacheDirectory, path.basename(scenarioFile, ".ts"));
    bundle = { url, inputs: Object.keys(result.metafile.inputs).map((input) => path.resolve(repositoryRoot, input)) };
    rememberBundle(cacheDirectory, key, url, bundle.inputs);
  }
  const codeUnderTest = [...target.swaps.values(), target.source];
  return {
    url: bundle.url,
    underTest: bundle.inputs
      .filter((input) => codeUnderTest.some((root) => input === root || input.startsWith(root + path.sep)))
      .map(relativeToRepository),
  };
}

/** Ends esbuild's helper process, so that nothing outlives the test file that bundled. */
export async function stopBundler(): Promise<void> {
  await stop();
}
