// npm run new-kata on fixtures: which names it takes and which it refuses (and why, in one line), the
// lines it adds to the catalogue and takes back byte for byte, and the placeholder's own consistency.
// The whole command, on a copy of the repository, is the self-check's new-kata row (new-kata-check.ts).

import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { repositoryRoot } from "../../harness/engine/under-test.ts";
import { contractRows } from "../contract.ts";
import { entryFileProblems, entryTitle } from "../kata-entry.ts";
import {
  entryName,
  nextNumber,
  scaffold,
  slugProblem,
  titleProblem,
  withEntry,
  withoutEntry,
  type Taken,
} from "../new-kata.ts";

const course: Taken = {
  listed: ["01-alpha", "02-beta", "03-gamma"],
  folders: [
    "katas/01-alpha",
    "katas/02-beta",
    "katas/03-gamma",
    "solutions/01-alpha",
    "solutions/02-beta",
    "solutions/03-gamma",
  ],
};

describe("the kata's name", () => {
  test("the next number and lower-case words joined by dashes are taken", () => {
    for (const slug of ["04-delta", "04-bounded-buffer", "04-2pc", "04-a1-b2-c3"])
      expect(slugProblem(slug, course), slug).toBeUndefined();
  });

  test.each([
    "4-delta", // one digit
    "004-delta", // three
    "04delta",
    "04_delta",
    "04-Delta", // upper case
    "04-",
    "04-delta-", // a dash at the end
    "04--delta",
    "04-bounded--buffer", // two dashes
    "04-delta.ts",
    "04-delta buffer",
    "delta",
    "",
  ])("a malformed name is refused: %j", (slug) => {
    expect(slugProblem(slug, course)).toBe(
      `"${slug}" is not a kata name: two digits, a dash, then lower-case words joined by dashes (17-bounded-buffer)`,
    );
  });

  test("a kata whose stub would be kata.ts is refused: that is its entry in the course", () => {
    expect(slugProblem("04-kata", course)).toBe(
      "04-kata: katas/04-kata/kata.ts is the kata's entry in the course, so its stub cannot be called kata.ts; choose another name",
    );
    expect(slugProblem("04-kata-lock", course)).toBeUndefined();
  });

  test("a number past the next free one is refused, naming the next", () => {
    expect(slugProblem("05-delta", course)).toBe(
      "05-delta: the next free number is 04 (katas are numbered in order, without gaps)",
    );
  });

  test("a number already taken is refused, naming the kata that has it", () => {
    expect(slugProblem("02-delta", course)).toBe(
      "02-delta: the next free number is 04 (02 is taken by 02-beta in katas/catalogue.ts)",
    );
  });

  test("a kata already in the catalogue is refused", () => {
    expect(slugProblem("03-gamma", course)).toBe("03-gamma is already in katas/catalogue.ts");
  });

  test("a folder that exists is refused, in katas/ or in solutions/", () => {
    expect(slugProblem("04-delta", { ...course, folders: [...course.folders, "katas/04-delta"] })).toBe(
      "katas/04-delta already exists",
    );
    expect(slugProblem("04-delta", { ...course, folders: [...course.folders, "solutions/04-delta"] })).toBe(
      "solutions/04-delta already exists",
    );
  });

  test("a folder left without a catalogue entry takes its number too", () => {
    const stray = { ...course, folders: [...course.folders, "katas/04-old"] };
    expect(nextNumber(stray)).toBe(5);
    expect(slugProblem("04-delta", stray)).toBe("04-delta: the next free number is 05 (04 is taken by katas/04-old)");
    expect(slugProblem("05-delta", stray)).toBeUndefined();
  });

  test("an empty course starts at 01; a full one takes no more", () => {
    expect(slugProblem("01-first", { listed: [], folders: [] })).toBeUndefined();
    expect(slugProblem("02-first", { listed: [], folders: [] })).toBe(
      "02-first: the next free number is 01 (katas are numbered in order, without gaps)",
    );
    expect(slugProblem("99-last", { listed: ["98-x"], folders: [] })).toBeUndefined();
    expect(slugProblem("00-more", { listed: ["99-last"], folders: [] })).toBe(
      "the course has room for 99 katas, and 99 is taken",
    );
  });
});

describe("the title", () => {
  test("one line, not empty, without a | (the README's kata table)", () => {
    expect(titleProblem("Build a bounded buffer")).toBeUndefined();
    expect(titleProblem('Don\'t block the "event loop"')).toBeUndefined();
    expect(titleProblem("")).toMatch(/^the title is empty/);
    expect(titleProblem("  ")).toMatch(/^the title is empty/);
    expect(titleProblem("two\nlines")).toBe("the title is one line");
    expect(titleProblem("a | b")).toMatch(/cannot hold a \|/);
    expect(titleProblem(" padded")).toBe("the title starts or ends with a space");
  });
});

describe("the catalogue's order", () => {
  const catalogue = [
    'import type { Kata } from "./kata-type.ts";',
    'import alpha from "./01-alpha/kata.ts";',
    'import beta from "./02-beta/kata.ts";',
    "",
    'export type { Kata } from "./kata-type.ts";',
    "",
    "export const catalogue: Kata[] = [",
    "  alpha,",
    "  beta,",
    "];",
    "",
  ].join("\n");

  test("gains the import of kata.ts and one line at the end, taken back byte for byte", () => {
    const added = withEntry(catalogue, "03-gamma-ray");
    expect(added).toBe(
      catalogue
        .replace('beta/kata.ts";\n', 'beta/kata.ts";\nimport gammaRay from "./03-gamma-ray/kata.ts";\n')
        .replace("  beta,\n", "  beta,\n  gammaRay,\n"),
    );
    expect(withoutEntry(added, "03-gamma-ray")).toEqual({ source: catalogue });
  });

  test("a name that is no free identifier is imported as kataNN", () => {
    expect(entryName("03-gamma-ray")).toBe("gammaRay");
    expect(entryName("03-2pc")).toBe("kata03");
    expect(entryName("03-new")).toBe("kata03");
    expect(entryName("03-alpha", new Set(["alpha"]))).toBe("kata03");
    expect(withEntry(catalogue, "03-alpha")).toContain('import kata03 from "./03-alpha/kata.ts";\n');
  });

  test("only the last kata is taken back, and only one that is there", () => {
    expect(withoutEntry(catalogue, "01-alpha")).toEqual({
      problem: "01-alpha is not the last kata (beta comes after it): --remove undoes only the kata new-kata added last",
    });
    expect(withoutEntry(catalogue, "03-gamma")).toEqual({
      problem: "03-gamma is not in katas/catalogue.ts (it imports no ./03-gamma/kata.ts by default)",
    });
  });

  test("a catalogue whose last kata has no trailing comma is refused, not half edited", () => {
    expect(() => withEntry(catalogue.replace("  beta,\n];", "  beta\n];"), "03-gamma")).toThrow(
      /must end with a comma/,
    );
  });
});

describe("the placeholder", () => {
  const made = scaffold("17-bounded-buffer", "Build a bounded buffer");
  const file = (name: string) => made.files.get(name) ?? "";

  test("writes the kata's folder and its solutions/ twin, with a wrong answer and two right ones", () => {
    expect([...made.files.keys()].sort()).toEqual([
      "katas/17-bounded-buffer/README.md",
      "katas/17-bounded-buffer/bounded-buffer.scenarios.ts",
      "katas/17-bounded-buffer/bounded-buffer.test.ts",
      "katas/17-bounded-buffer/bounded-buffer.ts",
      "katas/17-bounded-buffer/kata.ts",
      "solutions/17-bounded-buffer/bounded-buffer.ts",
      "solutions/17-bounded-buffer/right/bounded-buffer.compare-exchange.ts",
      "solutions/17-bounded-buffer/right/bounded-buffer.spin-lock.ts",
      "solutions/17-bounded-buffer/wrong/bounded-buffer.load-then-store.ts",
    ]);
    expect(made.kata).toMatchObject({
      slug: "17-bounded-buffer",
      kind: "build",
      files: ["bounded-buffer.ts"],
      requires: [],
    });
    expect(made.kata.hints.length).toBeGreaterThan(0);
  });

  test("kata.ts holds the kata's entry, typed as the others are", () => {
    const entry = file("katas/17-bounded-buffer/kata.ts");
    expect(entry).toMatch(/^import type \{ Kata \} from "\.\.\/kata-type\.ts";\n\nexport default \{\n/);
    expect(entry).toMatch(/\n\} satisfies Kata;\n$/);
    expect(entryTitle(entry)).toBe("Build a bounded buffer");
  });

  test("kata.ts passes the layout check; a missing, misnamed or heavy one does not, saying why", () => {
    const entry = file("katas/17-bounded-buffer/kata.ts");
    expect(entryFileProblems("17-bounded-buffer", entry)).toEqual([]);
    expect(entryFileProblems("17-bounded-buffer", undefined)).toEqual([
      expect.stringMatching(
        /^katas\/17-bounded-buffer\/kata\.ts is missing: every kata folder holds its entry in the course there/,
      ),
    ]);
    expect(entryFileProblems("18-other", entry)).toEqual([
      'katas/18-other/kata.ts says slug "17-bounded-buffer": it must be its folder\'s name, "18-other"',
    ]);
    expect(
      entryFileProblems("17-bounded-buffer", `import { scenario } from "#threadkata/scenario.ts";\n${entry}`),
    ).toEqual([
      'katas/17-bounded-buffer/kata.ts imports "#threadkata/scenario.ts": a kata\'s entry imports types only (import type)',
    ]);
  });

  test("each of the stub's methods throws NotImplementedError naming the kata", () => {
    const stub = file("katas/17-bounded-buffer/bounded-buffer.ts");
    expect(stub.match(/throw new NotImplementedError\("17-bounded-buffer", "\w+\(\)"\);/g)).toHaveLength(2);
    expect(file("solutions/17-bounded-buffer/bounded-buffer.ts")).not.toMatch(/NotImplementedError/);
  });

  test("the contract table names the one test, by its exact title", () => {
    const rows = contractRows(file("katas/17-bounded-buffer/README.md"))!;
    expect(rows).toHaveLength(1);
    const suite = file("katas/17-bounded-buffer/bounded-buffer.test.ts");
    const titles = [...suite.matchAll(/\btest\("([^"]+)"/g)].map((match) => match[1]);
    expect(titles).toEqual(rows[0]!.tests);
  });

  test("the known answers open with their headers", () => {
    for (const [name, text] of made.files) {
      if (name.includes("/wrong/")) expect(text, name).toMatch(/^\/\/ KNOWN WRONG: /);
      if (name.includes("/right/")) expect(text, name).toMatch(/^\/\/ KNOWN RIGHT: /);
    }
  });
});

describe("the command line", () => {
  const tsx = path.join(repositoryRoot, "node_modules", "tsx", "dist", "cli.mjs");
  const newKata = (...args: string[]) =>
    spawnSync(process.execPath, [tsx, "scripts/new-kata.ts", ...args], { cwd: repositoryRoot, encoding: "utf8" });

  test("a malformed name: one line and the usage line, exit code 2, nothing written", () => {
    const ran = newKata("17_bounded", "Build a bounded buffer");
    expect(ran.status).toBe(2);
    expect(ran.stdout).toBe("");
    expect(ran.stderr.trim().split("\n")).toEqual([
      '"17_bounded" is not a kata name: two digits, a dash, then lower-case words joined by dashes (17-bounded-buffer)',
      'usage: npm run new-kata -- NN-slug "Title" | --remove NN-slug   (--help says more)',
    ]);
  });
});
