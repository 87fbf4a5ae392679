// The kata command on a course of its own: a fixture catalogue in a temporary folder, never the real
// katas/ or .threadkata/. vitest itself is replaced by a stand-in that records a result the way the
// reporter does.

import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import type { Kata } from "../../katas/catalogue.ts";
import { palette } from "../../harness/report/colour.ts";
import {
  fingerprint,
  kataStates,
  readProgress,
  recordResults,
  resultsOfRun,
  type Course,
  type Result,
} from "../../harness/course/progress.ts";
import { kataCommand } from "../kata/command.ts";
import type { KataEnvironment } from "../kata/environment.ts";
import { findKata } from "../kata/find-kata.ts";
import { unifiedDiff } from "../kata/line-diff.ts";

const catalogue: Kata[] = [
  {
    slug: "01-alpha",
    title: "First",
    kind: "fix",
    files: ["alpha.ts"],
    python: [],
    requires: [],
    hints: ["Look closer.", "Closer still."],
  },
  {
    slug: "02-beta",
    title: "Second",
    kind: "build",
    files: ["beta.ts"],
    python: [],
    requires: ["01-alpha"],
    hints: ["One.", "Two.", "Three."],
  },
  {
    slug: "03-gamma",
    title: "Third",
    kind: "build",
    files: ["gamma.ts"],
    python: [],
    requires: ["02-beta"],
    hints: ["Only one."],
  },
];

const stub = (name: string) => `export function ${name}(): number {\n  // TODO\n  return 0;\n}\n`;
const answer = (name: string) => `export function ${name}(): number {\n  return 42;\n}\n`;

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

interface Fixture {
  course: Course;
  env: KataEnvironment;
  output(): string;
  /** What the stand-in for vitest was asked to do. */
  runs: { args: string[]; env: Record<string, string> }[];
  file(relative: string): string;
  edit(relative: string, text: string): void;
  git(...args: string[]): ReturnType<typeof spawnSync>;
}

function fixture(
  options: { colour?: boolean; interactive?: boolean; answer?: boolean; git?: boolean; outcome?: Result } = {},
): Fixture {
  const root = mkdtempSync(path.join(os.tmpdir(), "kata-command-"));
  roots.push(root);
  const write = (relative: string, text: string) => {
    mkdirSync(path.dirname(path.join(root, relative)), { recursive: true });
    writeFileSync(path.join(root, relative), text);
  };
  for (const kata of catalogue) {
    const name = kata.files[0]!.replace(".ts", "");
    write(`katas/${kata.slug}/README.md`, `# ${kata.title}\n`);
    write(`katas/${kata.slug}/${name}.ts`, stub(name));
    write(`katas/${kata.slug}/${name}.test.ts`, "// the suite\n");
    write(`solutions/${kata.slug}/${name}.ts`, answer(name));
  }
  write("notes.txt", "not a kata\n");
  const course: Course = { root, catalogue, stateDir: path.join(root, ".threadkata") };
  const chunks: string[] = [];
  const runs: Fixture["runs"] = [];
  const env: KataEnvironment = {
    course,
    paint: palette({ isTTY: options.colour ?? false }, {}),
    write: (text) => void chunks.push(text),
    interactive: options.interactive ?? false,
    ask: async (question) => {
      chunks.push(question);
      return options.answer ?? false;
    },
    async runVitest(args, runEnv) {
      runs.push({ args, env: runEnv });
      const slug = args.at(-1)!.split("/")[1]!;
      const result = options.outcome ?? "failing";
      recordResults(course, {
        [slug]: {
          result,
          fingerprint: fingerprint(course, slug),
          at: new Date(Date.now() + 1).toISOString(),
          ...(result === "failing" ? { firstFailure: "ForbiddenOutcome: lost updates" } : {}),
        },
      });
      return result === "solved" ? 0 : 1;
    },
    runScript: async () => 0,
    git: options.git === false ? null : "git",
  };
  const git = (...args: string[]) =>
    spawnSync(
      "git",
      ["-c", "user.name=kata", "-c", "user.email=kata@example.org", "-c", "commit.gpgsign=false", ...args],
      { cwd: root, encoding: "utf8" },
    );
  return {
    course,
    env,
    output: () => chunks.join(""),
    runs,
    file: (relative) => readFileSync(path.join(root, relative), "utf8"),
    edit: write,
    git,
  };
}

const record = (course: Course, slug: string, result: Result) => ({
  [slug]: { result, fingerprint: fingerprint(course, slug), at: new Date().toISOString() },
});

describe("states", () => {
  test("solved, failing, waiting for a prerequisite, not run yet", () => {
    const { course } = fixture();
    expect([...kataStates(course, {}).values()].map((s) => s.kind)).toEqual(["not run", "waiting", "waiting"]);
    const progress = { ...record(course, "01-alpha", "solved"), ...record(course, "02-beta", "failing") };
    const states = kataStates(course, progress);
    expect(states.get("01-alpha")).toEqual({ kind: "solved" });
    expect(states.get("02-beta")).toEqual({ kind: "failing" });
    expect(states.get("03-gamma")).toEqual({ kind: "waiting", for: ["02-beta"] });
  });

  test("a kata edited after its run is changed since last run; a prerequisite that passed still counts", () => {
    const { course, edit } = fixture();
    const progress = { ...record(course, "01-alpha", "solved"), ...record(course, "02-beta", "failing") };
    edit("katas/01-alpha/alpha.ts", answer("alpha") + "// tidied\n");
    edit("katas/02-beta/notes.md", "a new file in the kata folder\n");
    const states = kataStates(course, progress);
    expect(states.get("01-alpha")).toEqual({ kind: "changed", was: "solved" });
    expect(states.get("02-beta")).toEqual({ kind: "changed", was: "failing" });
  });

  test("the kata's entry in the course (kata.ts) is not the learner's: a new or changed one leaves its state alone", () => {
    const { course, edit } = fixture();
    const progress = record(course, "01-alpha", "solved");
    edit("katas/01-alpha/kata.ts", 'export default { slug: "01-alpha", hints: ["a new hint from upstream"] };\n');
    expect(kataStates(course, progress).get("01-alpha")).toEqual({ kind: "solved" });
  });

  test("list shows every kata in order with its state and the progress line", async () => {
    const { course, env, output } = fixture();
    recordResults(course, { ...record(course, "01-alpha", "solved"), ...record(course, "02-beta", "failing") });
    expect(await kataCommand(["list"], env)).toBe(0);
    const text = output();
    expect(text).toContain("1 of 3 katas solved");
    expect(text).toMatch(/✓ 01-alpha +First +solved/);
    expect(text).toMatch(/✗ 02-beta +Second +failing +← next: katas\/02-beta\/README.md/);
    expect(text).toMatch(/· 03-gamma +Third +waiting for 02-beta/);
    expect(text.indexOf("01-alpha")).toBeLessThan(text.indexOf("02-beta"));
  });
});

describe("results of a test run", () => {
  const module = (
    course: Course,
    slug: string,
    name: string,
    tests: string[],
    state = tests.every((t) => t === "passed") ? "passed" : "failed",
  ) => ({
    file: path.join(course.root, "katas", slug, `${name}.test.ts`),
    state,
    tests: tests.map((t) => ({ state: t, ...(t === "failed" ? { error: "RuleBroken: no" } : {}) })),
    errors: [],
  });

  test("a kata whose whole suite ran gets a result; one filtered or cut short does not", () => {
    const { course, edit } = fixture();
    edit("katas/03-gamma/more.test.ts", "// a second test file\n");
    const fingerprints = new Map(catalogue.map((k) => [k.slug, fingerprint(course, k.slug)]));
    const results = resultsOfRun(
      course,
      [
        module(course, "01-alpha", "alpha", ["passed", "passed"]),
        module(course, "02-beta", "beta", ["passed", "skipped"]), // -t picked one test
        module(course, "03-gamma", "gamma", ["passed"]), // more.test.ts did not run
      ],
      fingerprints,
      "2026-01-01T00:00:00.000Z",
    );
    expect(Object.keys(results)).toEqual(["01-alpha"]);
    expect(results["01-alpha"]).toMatchObject({ result: "solved", fingerprint: fingerprints.get("01-alpha") });
  });

  test("one failing test makes the kata failing, with its first failure; a run of one kata updates only that kata", () => {
    const { course } = fixture();
    recordResults(course, record(course, "01-alpha", "solved"));
    const results = resultsOfRun(
      course,
      [module(course, "02-beta", "beta", ["passed", "failed"])],
      new Map(),
      "2026-01-01T00:00:00.000Z",
    );
    expect(results["02-beta"]).toMatchObject({ result: "failing", firstFailure: "RuleBroken: no" });
    const progress = recordResults(course, results);
    expect(progress["01-alpha"]?.result).toBe("solved");
    expect(readProgress(course)["02-beta"]?.result).toBe("failing");
  });
});

describe("next and run", () => {
  test("next runs the first unsolved kata and says what to do", async () => {
    const { course, env, output, runs } = fixture();
    recordResults(course, record(course, "01-alpha", "solved"));
    expect(await kataCommand([], env)).toBe(0);
    expect(runs[0]?.args).toEqual(["run", "katas/02-beta/"]);
    expect(output()).toContain("02-beta is not solved yet");
    expect(output()).toContain("npm run kata -- hint 02");
  });

  test("on success it names the next kata and offers the comparison", async () => {
    const { env, output } = fixture({ outcome: "solved" });
    expect(await kataCommand(["run", "alpha"], env)).toBe(0);
    expect(output()).toContain("01-alpha solved!");
    expect(output()).toContain("npm run kata -- compare 01");
    expect(output()).toContain("next: 02-beta");
  });

  test("watch follows one kata; --poll turns on polling", async () => {
    const { env, runs } = fixture();
    await kataCommand(["watch", "2", "--poll"], env);
    expect(runs[0]).toEqual({
      args: ["--watch", "katas/02-beta/"],
      env: { THREADKATA_WATCH: "02-beta", CHOKIDAR_USEPOLLING: "1" },
    });
  });
});

describe("hint", () => {
  test("reveals one more hint per call, remembers it, and says how many remain", async () => {
    const { env, output, file } = fixture();
    await kataCommand(["hint", "01"], env);
    expect(output()).toContain("Hint 1 of 2");
    expect(output()).toContain("Look closer.");
    expect(output()).toContain("1 more");
    expect(output()).not.toContain("Closer still.");
    expect(JSON.parse(file(".threadkata/hints.json"))).toEqual({ "01-alpha": 1 });

    await kataCommand(["hint", "01"], env);
    expect(output()).toContain("Hint 2 of 2");
    expect(output()).toContain("That was the last hint.");

    await kataCommand(["hint", "01"], env);
    expect(output()).toContain("All 2 hints for 01-alpha are out");
    expect(JSON.parse(file(".threadkata/hints.json"))).toEqual({ "01-alpha": 2 });
  });

  test("without a kata it is the current one", async () => {
    const { course, env, output } = fixture();
    recordResults(course, record(course, "01-alpha", "solved"));
    await kataCommand(["hint"], env);
    expect(output()).toContain("Hint 1 of 3 for 02-beta");
  });
});

describe("compare", () => {
  for (const git of [true, false]) {
    test(`shows the learner's lines against the reference's (${git ? "git diff" : "our own diff"})`, async () => {
      const { course, env, output } = fixture({ git });
      recordResults(course, record(course, "01-alpha", "solved"));
      expect(await kataCommand(["compare", "01"], env)).toBe(0);
      expect(output()).toContain("--- a/katas/01-alpha/alpha.ts");
      expect(output()).toContain("+++ b/solutions/01-alpha/alpha.ts");
      expect(output()).toContain("-  // TODO");
      expect(output()).toContain("+  return 42;");
    });
  }

  test("before the kata is solved: refuses without a terminal unless --yes, asks with one", async () => {
    const refused = fixture();
    expect(await kataCommand(["compare", "01"], refused.env)).toBe(1);
    expect(refused.output()).toContain("--yes");
    expect(refused.output()).not.toContain("return 42");

    const forced = fixture();
    expect(await kataCommand(["compare", "01", "--yes"], forced.env)).toBe(0);
    expect(forced.output()).toContain("+  return 42;");

    const declined = fixture({ interactive: true, answer: false });
    await kataCommand(["compare", "01"], declined.env);
    expect(declined.output()).toContain("No peeking?");
    expect(declined.output()).not.toContain("return 42");
  });
});

describe("reset", () => {
  function repository(options: Parameters<typeof fixture>[0] = {}): Fixture {
    const f = fixture(options);
    f.git("init", "-q");
    f.git("add", ".");
    f.git("commit", "-q", "-m", "the course");
    return f;
  }

  test("restores only the kata's learner files, leaves every other file and the git index alone", async () => {
    const f = repository();
    recordResults(f.course, record(f.course, "01-alpha", "failing"));
    f.edit("katas/01-alpha/alpha.ts", answer("alpha"));
    f.edit("katas/01-alpha/README.md", "# my notes\n");
    f.edit("katas/02-beta/beta.ts", answer("beta"));
    f.edit("notes.txt", "mine\n");
    f.git("add", "notes.txt");
    const index = f.git("diff", "--cached").stdout;

    expect(await kataCommand(["reset", "01", "--yes"], f.env)).toBe(0);
    expect(f.file("katas/01-alpha/alpha.ts")).toBe(stub("alpha"));
    expect(f.file("katas/01-alpha/README.md")).toBe("# my notes\n");
    expect(f.file("katas/02-beta/beta.ts")).toBe(answer("beta"));
    expect(f.file("notes.txt")).toBe("mine\n");
    expect(f.git("diff", "--cached").stdout).toBe(index);
    expect(readProgress(f.course)["01-alpha"]).toBeUndefined();
  });

  test("refuses a kata with no changes", async () => {
    const f = repository();
    expect(await kataCommand(["reset", "02", "--yes"], f.env)).toBe(1);
    expect(f.output()).toContain("nothing to reset");
  });

  test("asks first: without a terminal and without --yes, or when the answer is no, nothing changes", async () => {
    const batch = repository();
    batch.edit("katas/01-alpha/alpha.ts", answer("alpha"));
    expect(await kataCommand(["reset", "01"], batch.env)).toBe(1);
    expect(batch.file("katas/01-alpha/alpha.ts")).toBe(answer("alpha"));

    const person = repository({ interactive: true, answer: false });
    person.edit("katas/01-alpha/alpha.ts", answer("alpha"));
    expect(await kataCommand(["reset", "01"], person.env)).toBe(0);
    expect(person.output()).toContain("[y/N]");
    expect(person.file("katas/01-alpha/alpha.ts")).toBe(answer("alpha"));
  });

  test("refuses a file git does not track", async () => {
    const f = fixture();
    f.edit("katas/01-alpha/alpha.ts", answer("alpha"));
    expect(await kataCommand(["reset", "01", "--yes"], f.env)).toBe(1);
    expect(f.output()).toContain("not tracked by git");
    expect(f.file("katas/01-alpha/alpha.ts")).toBe(answer("alpha"));
  });
});

describe("colour and words", () => {
  test("plain text without a terminal or with NO_COLOR; colour on a terminal", async () => {
    expect(palette({ isTTY: true }, { NO_COLOR: "1" }).enabled).toBe(false);
    expect(palette({ isTTY: false }, {}).enabled).toBe(false);
    const plain = fixture();
    await kataCommand(["list"], plain.env);
    expect(plain.output()).not.toContain("\x1b[");
    const coloured = fixture({ colour: true });
    await kataCommand(["list"], coloured.env);
    expect(coloured.output()).toContain("\x1b[");
  });

  test("a kata by number, name or unique prefix; the closest names otherwise", () => {
    const slug = (typed: string) => {
      const found = findKata(catalogue, typed);
      return "kata" in found ? found.kata.slug : found.problem;
    };
    expect(slug("2")).toBe("02-beta");
    expect(slug("02")).toBe("02-beta");
    expect(slug("beta")).toBe("02-beta");
    expect(slug("03-g")).toBe("03-gamma");
    expect(slug("0")).toContain("no kata number 0");
    expect(slug("bta")).toContain("Did you mean 02-beta?");
  });

  test("an unknown verb or kata: exit code 2 and a way forward", async () => {
    const f = fixture();
    expect(await kataCommand(["lsit"], f.env)).toBe(2);
    expect(f.output()).toContain("Did you mean list?");
    expect(await kataCommand(["run", "gamam"], f.env)).toBe(2);
    expect(f.output()).toContain("Did you mean 03-gamma?");
    expect(await kataCommand(["help", "reset"], f.env)).toBe(0);
    expect(f.output()).toContain("npm run kata -- reset <kata> [--yes]");
  });

  test("our own diff is a unified diff with context", () => {
    const text = unifiedDiff("a\nb\nc\n", "a\nB\nc\n", "a/x", "b/x", palette({ isTTY: false }, {}));
    expect(text).toBe("--- a/x\n+++ b/x\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n");
  });
});
