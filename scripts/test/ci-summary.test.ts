// The job summary of a learner's CI run (scripts/ci-summary.ts), on a made-up course.

import { expect, test } from "vitest";
import type { Kata } from "../../katas/catalogue.ts";
import type { Course, KataState } from "../../harness/course/progress.ts";
import { markdownSummary } from "../ci-summary.ts";

const catalogue: Kata[] = [
  { slug: "01-alpha", title: "First | one", kind: "fix", files: ["alpha.ts"], python: [], requires: [], hints: ["h"] },
  {
    slug: "02-beta",
    title: "Second",
    kind: "build",
    files: ["beta.ts"],
    python: [],
    requires: ["01-alpha"],
    hints: ["h"],
  },
  {
    slug: "03-gamma",
    title: "Third",
    kind: "build",
    files: ["gamma.ts"],
    python: [],
    requires: ["02-beta"],
    hints: ["h"],
  },
];
const course: Course = { root: "/nowhere", catalogue, stateDir: "/nowhere/.threadkata" };
const github = { GITHUB_SERVER_URL: "https://github.com", GITHUB_REPOSITORY: "ann/threadkata", GITHUB_SHA: "abc123" };

test("the table, the next kata with a link to its README, and its first failure in a block of its own", () => {
  const states = new Map<string, KataState>([
    ["01-alpha", { kind: "solved" }],
    ["02-beta", { kind: "failing", firstFailure: "ForbiddenOutcome: lost ```updates```" }],
    ["03-gamma", { kind: "waiting", for: ["02-beta"] }],
  ]);
  expect(markdownSummary(course, states, github)).toBe(
    [
      "### threadkata: 1 of 3 katas solved",
      "",
      "| | kata | title | state |",
      "|---|---|---|---|",
      "| ✅ | [01-alpha](https://github.com/ann/threadkata/blob/abc123/katas/01-alpha/README.md) | First \\| one | solved |",
      "| ❌ | [02-beta](https://github.com/ann/threadkata/blob/abc123/katas/02-beta/README.md) | Second | failing **← next** |",
      "| ⏳ | [03-gamma](https://github.com/ann/threadkata/blob/abc123/katas/03-gamma/README.md) | Third | waiting for 02-beta |",
      "",
      "**Next: 02-beta.** Read [its README](https://github.com/ann/threadkata/blob/abc123/katas/02-beta/README.md), edit its file where the `// TODO`s are, and push again.",
      "",
      "```text",
      "ForbiddenOutcome: lost '''updates'''",
      "```",
      "",
    ].join("\n"),
  );
});

test("outside GitHub the links are the repository's paths; with no results at all it says the tests did not run", () => {
  const markdown = markdownSummary(course, new Map(), {});
  expect(markdown).toContain("| · | [01-alpha](katas/01-alpha/README.md) | First \\| one | not run yet **← next** |");
  expect(markdown).toContain("No kata has results yet: the tests did not run");
});

test("every kata solved", () => {
  const states = new Map<string, KataState>(catalogue.map((kata) => [kata.slug, { kind: "solved" }]));
  const markdown = markdownSummary(course, states, {});
  expect(markdown.split("\n")[0]).toBe("### threadkata: all 3 katas solved 🎉");
  expect(markdown).not.toContain("Next:");
});
