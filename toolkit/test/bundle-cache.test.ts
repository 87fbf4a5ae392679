// Bundles kept across processes (harness/engine/worker-bundle.ts, used by startWorker and startTaskWorker):
// one is reused only while every file it was made from holds the same bytes.

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, expect, test } from "vitest";
import { rememberBundle, rememberedBundle, writeBundle } from "../../harness/engine/worker-bundle.ts";

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

function scratch(): { directory: string; input: string } {
  const directory = mkdtempSync(path.join(os.tmpdir(), "threadkata-bundle-cache-"));
  folders.push(directory);
  const input = path.join(directory, "answer.ts");
  writeFileSync(input, "export const answer = 42;\n");
  return { directory, input };
}

test("a bundle is reused while its inputs are unchanged, and not once one changes", () => {
  const { directory, input } = scratch();
  const url = writeBundle(new TextEncoder().encode("export const answer = 42;\n"), directory, "answer");
  rememberBundle(directory, "entry A", url, [input]);
  expect(rememberedBundle(directory, "entry A")?.url).toBe(url);
  writeFileSync(input, "export const answer = 43;\n");
  expect(rememberedBundle(directory, "entry A")).toBeUndefined();
});

test("another key (another entry, or #kata/ pointing elsewhere) is another bundle", () => {
  const { directory, input } = scratch();
  const url = writeBundle(new TextEncoder().encode("export {};\n"), directory, "answer");
  rememberBundle(directory, "entry A", url, [input]);
  expect(rememberedBundle(directory, "entry B")).toBeUndefined();
});

test("a bundle whose file is gone, or an input that is gone, is not reused", () => {
  const { directory, input } = scratch();
  const url = writeBundle(new TextEncoder().encode("export {};\n"), directory, "answer");
  rememberBundle(directory, "entry A", url, [input]);
  rmSync(input);
  expect(rememberedBundle(directory, "entry A")).toBeUndefined();
  writeFileSync(input, "export const answer = 42;\n");
  rememberBundle(directory, "entry A", url, [input]);
  rmSync(new URL(url));
  expect(rememberedBundle(directory, "entry A")).toBeUndefined();
});
