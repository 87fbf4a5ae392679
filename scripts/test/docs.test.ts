// The docs check on fixtures: a README whose counts, lists or test list no longer match the code is
// stale (npm run docs rewrites it, the self-check fails on it); one that matches is left alone.

import { describe, expect, test } from "vitest";
import { fillCounts, testsBlock } from "../docs.ts";

const readme = (solved: string, benchmarks: string) =>
  ["```", `✗ 01-racy-counter is not solved yet.  ${solved} katas solved`, "```", "", `| \`npm run kata -- bench 02\` | run the kata's benchmark, where it has one (${benchmarks} have one; \`npm run bench\` runs them all) |`].join("\n");

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
  const block = ["", "- **one**: the first, described.", "- **two**: the second,", "  on two lines.", "- **gone**: a test since removed.", ""].join("\n");

  test("follows the tests' titles and order, keeping what the author wrote after each title", () => {
    expect(testsBlock(block, ["two", "one", "three"])).toBe(["- **two**: the second,\n  on two lines.", "- **one**: the first, described.", "- **three**"].join("\n"));
  });

  test("a list that matches the tests is written back as it is", () => {
    expect(testsBlock(block, ["one", "two", "gone"])).toBe(block.trim());
  });
});
