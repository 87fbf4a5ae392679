// Answers kept outside the repository (a teacher's marking folder, a learner's copy in /tmp) must run
// exactly as katas/ does. The self-check proves it: the references run from a copy of solutions/ in a
// temporary folder (THREADKATA_SOURCE), and the katas whose code starts threads of its own also with
// their files swapped in from there (THREADKATA_SWAP), since those threads are bundled apart from the
// harness (toolkit/start-worker.ts, esbuild's synchronous API with aliases instead of a plugin).

import { cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Kata } from "../katas/catalogue.ts";
import { repositoryRoot } from "../harness/engine/under-test.ts";

let copy: string | undefined;

/** solutions/, copied once per process into a temporary folder that goes when the process ends. */
export function referenceCopy(): string {
  if (copy) return copy;
  const folder = mkdtempSync(path.join(os.tmpdir(), "threadkata-references-"));
  cpSync(path.join(repositoryRoot, "solutions"), folder, { recursive: true });
  process.once("exit", () => rmSync(folder, { recursive: true, force: true }));
  copy = folder;
  return folder;
}

/** Whether the kata's reference starts threads through the toolkit (each one a bundle of its own). */
export function startsThreads(kata: Kata): boolean {
  return kata.files.some((file) =>
    /#toolkit\/(start-worker|task-worker)\.ts/.test(
      readFileSync(path.join(repositoryRoot, "solutions", kata.slug, file), "utf8"),
    ),
  );
}

/** THREADKATA_SWAP that puts every file of the kata from `tree` (laid out like katas/) in place. */
export function swapsFrom(kata: Kata, tree: string): string {
  return kata.files.map((file) => `${kata.slug}/${file}=${path.join(tree, kata.slug, file)}`).join(",");
}
