// The grader's parts on their own: the isolated child (time limit, nothing left running), how one
// test process's events become verdicts, the reports, and the command line. Grading real learners
// takes minutes, and is measured by hand (README, For teachers).

import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import { palette } from "../../harness/report/colour.ts";
import { repositoryRoot } from "../../harness/engine/under-test.ts";
import { runIsolated } from "../grade/isolated.ts";
import { learnersIn, readAttempt } from "../grade/learner.ts";
import type { ClassResult, LearnerResult } from "../grade/model.ts";
import { renderCsv, renderJunit, renderTable } from "../grade/reports.ts";

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

function scratch(): string {
  const folder = mkdtempSync(path.join(os.tmpdir(), "grade-test-"));
  folders.push(folder);
  return folder;
}

/** Whether a process is still running (a zombie waiting to be reaped is not). */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

/** A program that starts a process in a group of its own (as kata 12's harness does), writes its pid, then does `then`. */
function parentOf(pidFile: string, then: string): string {
  return [
    `const { spawn } = require("node:child_process");`,
    `const child = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { detached: true, stdio: "ignore" });`,
    `child.unref();`,
    `require("node:fs").writeFileSync(${JSON.stringify(pidFile)}, String(child.pid));`,
    then,
  ].join("\n");
}

describe.skipIf(!existsSync("/proc/self/environ"))("an isolated run leaves nothing running", () => {
  test("a child that never ends is killed at its time limit, and so is the process it started in a group of its own", async () => {
    const pidFile = path.join(scratch(), "pid");
    const run = await runIsolated(process.execPath, ["-e", parentOf(pidFile, "setInterval(() => {}, 1000);")], {
      timeLimitMs: 5_000,
    });
    expect(run.timedOut).toBe(true);
    expect(run.signal).toBe("SIGKILL");
    expect(alive(Number(readFileSync(pidFile, "utf8")))).toBe(false);
  });

  test("a child that ends by itself is not timed out; what it left running is killed and counted", async () => {
    const pidFile = path.join(scratch(), "pid");
    const run = await runIsolated(process.execPath, ["-e", parentOf(pidFile, "process.exit(3);")], {
      timeLimitMs: 30_000,
    });
    expect(run).toMatchObject({ timedOut: false, code: 3, leftovers: 1 });
    expect(alive(Number(readFileSync(pidFile, "utf8")))).toBe(false);
  });
});

describe("a test process's events", () => {
  test("a kata that began and never ended is the one its process died in", () => {
    const attempt = readAttempt([
      { type: "start", slug: "01-racy-counter" },
      { type: "kata", slug: "01-racy-counter", result: "solved" },
      { type: "start", slug: "02-lock" },
    ]);
    expect(attempt).toEqual({
      cells: new Map([["01-racy-counter", { result: "solved" }]]),
      inside: "02-lock",
      ended: false,
      errors: [],
    });
  });

  test("when vitest's worker process dies in a suite the run still ends, naming the suite that never finished", () => {
    const attempt = readAttempt([
      { type: "start", slug: "05-event" },
      { type: "kata", slug: "05-event", result: "solved" },
      {
        type: "end",
        unfinished: ["06-condition"],
        errors: ["Error: [vitest-pool]: Worker forks emitted error. (Worker exited unexpectedly)"],
      },
    ]);
    expect(attempt).toMatchObject({
      inside: "06-condition",
      ended: true,
      errors: ["Error: [vitest-pool]: Worker forks emitted error. (Worker exited unexpectedly)"],
    });
  });

  test("a run that reached its end says so, with each kata's verdict", () => {
    const attempt = readAttempt([
      { type: "start", slug: "02-lock" },
      { type: "kata", slug: "02-lock", result: "failing", firstFailure: "RuleBroken: two inside" },
      { type: "end", unfinished: [], errors: [] },
    ]);
    expect(attempt).toEqual({
      cells: new Map([["02-lock", { result: "failing", firstFailure: "RuleBroken: two inside" }]]),
      inside: undefined,
      ended: true,
      errors: [],
    });
  });
});

test("the learners are the sub-folders, hidden ones and the reports' folder aside; a copy of the repository is graded by its katas/", () => {
  const folder = scratch();
  for (const sub of ["bob", "alice/katas", ".git", "grades"]) mkdirSync(path.join(folder, sub), { recursive: true });
  writeFileSync(path.join(folder, "notes.txt"), "");
  expect(learnersIn(folder, path.join(folder, "grades"))).toEqual([
    { name: "alice", tree: path.join(folder, "alice", "katas") },
    { name: "bob", tree: path.join(folder, "bob") },
  ]);
});

describe("the reports", () => {
  const junit = (learner: string) =>
    [
      `<?xml version="1.0" encoding="UTF-8" ?>`,
      `<testsuites name="${learner}" tests="3" failures="1" errors="0" time="2">`,
      `    <testsuite name="katas/01-racy-counter/counter.test.ts" tests="2" failures="1" errors="0" skipped="0" time="1.5">`,
      `        <testcase classname="${learner}.01-racy-counter" name="a" time="1"><failure message="lost &quot;updates&quot;" type="ForbiddenOutcome"/></testcase>`,
      `        <testcase classname="${learner}.01-racy-counter" name="b" time="0.5"></testcase>`,
      `    </testsuite>`,
      `    <testsuite name="katas/02-lock/lock.test.ts" tests="1" failures="0" errors="0" skipped="0" time="0">`,
      `        <testcase classname="${learner}.02-lock" name="never ran" time="0"></testcase>`,
      `    </testsuite>`,
      `</testsuites>`,
    ].join("\n");

  function classOf(reportDir: string): ClassResult {
    mkdirSync(path.join(reportDir, "learners"));
    writeFileSync(path.join(reportDir, "learners", "ann.junit.xml"), junit("ann"));
    const ann: LearnerResult = {
      name: "ann",
      tree: "/class/ann",
      seconds: 12,
      ending: "crashed",
      katas: {
        "01-racy-counter": { result: "failing", firstFailure: 'ForbiddenOutcome: lost "updates", 3 of 4' },
        "02-lock": {
          result: "failing",
          firstFailure: "TestProcessDied: the test process ended (killed by SIGKILL) while this kata ran <here>",
        },
      },
      log: "learners/ann.log",
      // The report of a process that died in 02-lock lists 02-lock as if it had passed: only 01 is its.
      runs: [{ json: "learners/ann.vitest.json", junit: "learners/ann.junit.xml", katas: ["01-racy-counter"] }],
    };
    const ben: LearnerResult = {
      ...ann,
      name: "ben",
      ending: "finished",
      katas: { "01-racy-counter": { result: "solved" }, "02-lock": { result: "solved" } },
      runs: [],
    };
    return {
      folder: "/class",
      startedAt: "",
      seconds: 20,
      timeLimitSeconds: 600,
      stress: "default",
      katas: ["01-racy-counter", "02-lock"],
      learners: [ann, ben],
    };
  }

  test("JUnit: vitest's suites of the katas each run finished, renamed by learner; a verdict of its own for every other kata", () => {
    const reportDir = scratch();
    const xml = renderJunit(classOf(reportDir), reportDir);
    const suites = [...xml.matchAll(/<testsuite name="([^"]+)" tests="(\d+)" failures="(\d+)"/g)].map((m) => [
      m[1],
      Number(m[2]),
      Number(m[3]),
    ]);
    expect(suites).toEqual([
      ["ann/katas/01-racy-counter/counter.test.ts", 2, 1],
      ["ann/katas/02-lock", 1, 1],
      ["ben/katas/01-racy-counter", 1, 0],
      ["ben/katas/02-lock", 1, 0],
    ]);
    expect(xml).toContain(`<testsuites name="threadkata grades" tests="5" failures="2" errors="0" time="1.500">`);
    expect(xml).toContain(
      `type="TestProcessDied">TestProcessDied: the test process ended (killed by SIGKILL) while this kata ran &lt;here&gt;</failure>`,
    );
    expect(xml).not.toContain("never ran");
  });

  test("CSV: a row per learner, a column per kata, quoted where a cell needs it", () => {
    const lines = renderCsv(classOf(scratch())).split("\r\n");
    expect(lines[0]).toBe("learner,solved,katas,seconds,ending,01-racy-counter,02-lock");
    expect(lines[1]).toBe(
      `ann,0,2,12,crashed,"failing: ForbiddenOutcome: lost ""updates"", 3 of 4",failing: TestProcessDied: the test process ended (killed by SIGKILL) while this kata ran <here>`,
    );
    expect(lines[2]).toBe("ben,2,2,12,finished,solved,solved");
  });

  test("the table: a mark per kata, the count, and each failure's first line below", () => {
    const table = renderTable(classOf(scratch()), palette({ isTTY: false }, {}));
    expect(table).toContain(" ann      ✗  ✗     0/2     12 s  (a test process died)");
    expect(table).toContain(" ben      ✓  ✓     2/2     12 s");
    expect(table).toContain(`   ann      01-racy-counter  ForbiddenOutcome: lost "updates", 3 of 4`);
  });
});

describe("the command line", () => {
  const grade = (...args: string[]) =>
    spawnSync(
      process.execPath,
      [
        path.join(repositoryRoot, "node_modules", "tsx", "dist", "cli.mjs"),
        path.join(repositoryRoot, "scripts", "grade.ts"),
        ...args,
      ],
      { encoding: "utf8", cwd: repositoryRoot },
    );

  test("--help says how to use it, and exits 0", () => {
    const run = grade("--help");
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^usage: npm run grade -- <folder>/);
  });

  test.each([
    [[]],
    [["/no/such/folder"]],
    [[".", "--time-limit", "soon"]],
    [[".", "--kata", "99"]],
    [[".", "--frobnicate"]],
  ])("a usage error (%j) says what was wrong, and exits 2", (args) => {
    const run = grade(...args);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/usage: npm run grade/);
  });
});
