// The docs check on fixtures: a README whose counts, lists or test list no longer match the code is
// stale (npm run docs rewrites it, the self-check fails on it); one that matches is left alone. The
// check itself (staleDocs, the self-check's docs row) runs on the repository and on a copy of its
// READMEs made stale on purpose.

import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { repositoryRoot } from "../../harness/engine/under-test.ts";
import { fillCounts, staleDocs, testsBlock } from "../docs.ts";

const readme = (solved: string, benchmarks: string) =>
  [
    "```",
    `✗ 01-racy-counter is not solved yet.  ${solved} katas solved`,
    "```",
    "",
    `| \`npm run kata -- bench 02\` | run the kata's benchmark, where it has one (${benchmarks} have one; \`npm run bench\` runs them all) |`,
  ].join("\n");

test("a stale kata count in an example run is rewritten", () => {
  const stale = readme("0 of 8", "02 and 05");
  expect(fillCounts(stale, 14, ["02", "05"])).toBe(readme("0 of 14", "02 and 05"));
});

test("a stale list of benchmarked katas is rewritten", () => {
  const stale = readme("0 of 14", "02, 05 and 06");
  expect(fillCounts(stale, 14, ["02", "05", "06", "13"])).toBe(readme("0 of 14", "02, 05, 06 and 13"));
});

test("a README that matches the code is left as it is", () => {
  const current = readme("0 of 3", "02");
  expect(fillCounts(current, 3, ["02"])).toBe(current);
});

describe("the list of a kata's tests", () => {
  const block = [
    "",
    "- **one**: the first, described.",
    "- **two**: the second,",
    "  on two lines.",
    "- **gone**: a test since removed.",
    "",
  ].join("\n");

  test("follows the tests' titles and order, keeping what the author wrote after each title", () => {
    expect(testsBlock(block, ["two", "one", "three"])).toBe(
      ["- **two**: the second,\n  on two lines.", "- **one**: the first, described.", "- **three**"].join("\n"),
    );
  });

  test("a list that matches the tests is written back as it is", () => {
    expect(testsBlock(block, ["one", "two", "gone"])).toBe(block.trim());
  });
});

describe("the self-check's docs row (staleDocs)", () => {
  const copy = mkdtempSync(path.join(os.tmpdir(), "threadkata-docs-"));
  afterAll(() => rmSync(copy, { recursive: true, force: true }));
  // What the generated parts are made from: the READMEs, the benchmarks' names, kata 02's tests.
  cpSync(path.join(repositoryRoot, "README.md"), path.join(copy, "README.md"));
  mkdirSync(path.join(copy, "bench"));
  for (const name of readdirSync(path.join(repositoryRoot, "bench"))) writeFileSync(path.join(copy, "bench", name), "");
  for (const name of ["README.md", "lock.test.ts"])
    cpSync(path.join(repositoryRoot, "katas", "02-lock", name), path.join(copy, "katas", "02-lock", name));
  const edit = (file: string, from: string, to: string) => {
    const text = readFileSync(path.join(copy, file), "utf8");
    expect(text).toContain(from);
    writeFileSync(path.join(copy, file), text.replace(from, to));
  };

  test("passes on the repository as it is, and on the copy before it is made stale", () => {
    expect(staleDocs()).toEqual([]);
    expect(staleDocs(undefined, copy)).toEqual([]);
  });

  test('fails on a stale count: "0 of 15 katas solved" with 16 katas', () => {
    edit("README.md", "0 of 16 katas solved", "0 of 15 katas solved");
    expect(staleDocs(undefined, copy)).toEqual(["README.md"]);
    edit("README.md", "0 of 15 katas solved", "0 of 16 katas solved");
    expect(staleDocs(undefined, copy)).toEqual([]);
  });

  test("fails on a kata README whose list of tests names a test that is not there", () => {
    edit("katas/02-lock/README.md", "- **any thread may release the lock", "- **any thread may release a lock");
    expect(staleDocs(undefined, copy)).toEqual(["katas/02-lock/README.md"]);
  });
});
