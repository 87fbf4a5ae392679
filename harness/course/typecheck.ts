// Type errors in a kata's own files, for the learner's run: the tests run the code as esbuild
// bundles it, which strips types without looking at them, so an answer can pass every test and
// still not type-check. `npm test`'s summary and `npm run kata` then say "passes, but has 1 type
// error" and the kata counts as solved only once it type-checks.
//
// Only the kata's own files are checked (with what they import, as tsc would), through the
// TypeScript API with the repository's tsconfig.json: a fraction of a whole `tsc` run.

import { createRequire } from "node:module";
import path from "node:path";
import type * as TypeScript from "typescript";
import { kataFolder, readJson, writeJson, type Course, type Progress } from "./progress.ts";
import { repositoryRoot, relativeToRepository } from "../engine/under-test.ts";

let compilerOptions: TypeScript.CompilerOptions | undefined;

function typescript(): typeof TypeScript {
  return createRequire(path.join(repositoryRoot, "package.json"))("typescript") as typeof TypeScript;
}

function options(ts: typeof TypeScript): TypeScript.CompilerOptions {
  if (!compilerOptions) {
    const file = path.join(repositoryRoot, "tsconfig.json");
    const config = ts.readConfigFile(file, ts.sys.readFile);
    compilerOptions = ts.parseJsonConfigFileContent(config.config, ts.sys, repositoryRoot, undefined, file).options;
  }
  return compilerOptions;
}

/**
 * The run's results with the type check applied: a kata whose tests all passed but whose own files
 * have type errors is "failing", with "passes, but has N type errors: ..." as its first failure.
 * Results are kept by the kata folder's fingerprint (.threadkata/typecheck.json): a kata is checked
 * again only when its files change.
 */
export function withTypeCheck(course: Course, results: Progress): Progress {
  const solved = course.catalogue.filter((kata) => results[kata.slug]?.result === "solved");
  if (solved.length === 0) return results;
  const cacheFile = path.join(course.stateDir, "typecheck.json");
  const cache = readJson<Record<string, { fingerprint: string; errors: string[] }>>(cacheFile, {});
  const files = (slug: string) =>
    course.catalogue.find((kata) => kata.slug === slug)!.files.map((file) => path.join(kataFolder(course, slug), file));
  const unknown = solved.filter((kata) => cache[kata.slug]?.fingerprint !== results[kata.slug]!.fingerprint);
  if (unknown.length > 0) {
    const errors = typeErrors(unknown.flatMap((kata) => files(kata.slug)));
    for (const kata of unknown) {
      const own = files(kata.slug).map((file) => `${relativeToRepository(file)}:`);
      cache[kata.slug] = {
        fingerprint: results[kata.slug]!.fingerprint,
        errors: errors.filter((line) => own.some((prefix) => line.startsWith(prefix))),
      };
    }
    writeJson(cacheFile, cache);
  }
  const checked: Progress = { ...results };
  for (const kata of solved) {
    const errors = cache[kata.slug]!.errors;
    if (errors.length > 0)
      checked[kata.slug] = { ...results[kata.slug]!, result: "failing", firstFailure: passesButTypeErrors(errors) };
  }
  return checked;
}

/** One line per type error in `files` (absolute paths): "katas/02-lock/lock.ts:12:5 TS2322: Type ...". */
export function typeErrors(files: string[]): string[] {
  if (files.length === 0) return [];
  const ts = typescript();
  const program = ts.createProgram(files, options(ts));
  const wanted = new Set(files.map((file) => path.resolve(file)));
  const lines: string[] = [];
  for (const file of program.getSourceFiles()) {
    if (!wanted.has(path.resolve(file.fileName))) continue;
    for (const diagnostic of [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)]) {
      const { line, character } = file.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
      const text = ts.flattenDiagnosticMessageText(diagnostic.messageText, " ");
      lines.push(`${relativeToRepository(file.fileName)}:${line + 1}:${character + 1} TS${diagnostic.code}: ${text}`);
    }
  }
  return lines;
}

/** "passes, but has 1 type error: <the first>", for a kata whose tests all pass. */
export function passesButTypeErrors(errors: string[]): string {
  const count = errors.length === 1 ? "1 type error" : `${errors.length} type errors`;
  return `passes, but has ${count}: ${errors[0]}`;
}
