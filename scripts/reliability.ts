// The self-check's reliability section: no learner mistake takes the run down, hides a kata or points
// at the wrong place. Each check runs a bad answer kept for the purpose (harness/test/answers/,
// harness/test/reliability.scenarios.ts) or a bad command line the way a learner would, in a process
// of its own where the process itself is what is checked, and says how long the message took.

import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { threadHeapLimitMb } from "../harness/engine/limits.ts";
import { processStat, temporaryFolder, temporaryRoot } from "../harness/engine/temp.ts";
import { passesButTypeErrors, typeErrors } from "../harness/course/typecheck.ts";
import { repositoryRoot } from "../harness/engine/under-test.ts";

/** One row of the self-check's table (verify.ts prints them all). */
export interface ReliabilityRow {
  check: string;
  variant: string;
  expected: string;
  ok: boolean;
  got: string;
  ms: number;
  /** A failed row's whole story (the first failure's full text), printed under it. */
  detail?: string;
}

interface SuiteOutcome {
  tests: { name: string; state: string; errors: { name: string; message: string }[] }[];
  stray: string[];
}

type RunSuites = (folder: string, env: Record<string, string>, include?: string[]) => Promise<SuiteOutcome>;

const answers = path.join("harness", "test", "answers");
const vitestBin = path.join(repositoryRoot, "node_modules", "vitest", "vitest.mjs");
const tsxBin = path.join(repositoryRoot, "node_modules", "tsx", "dist", "cli.mjs");

interface Ran {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
  pid: number;
}

/** Runs a command in a process group of its own (so that everything it started can be looked for after). */
function run(
  args: string[],
  env: Record<string, string> = {},
  whileRunning?: (pid: number) => Promise<void>,
): Promise<Ran> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, {
      cwd: repositoryRoot,
      env: { ...process.env, ...env, FORCE_COLOR: "0", NO_COLOR: "1" },
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("close", (code, signal) =>
      resolve({ code, signal, stdout, stderr, ms: performance.now() - started, pid: child.pid! }),
    );
    if (whileRunning) void whileRunning(child.pid!);
  });
}

/**
 * Whether any process of the group `pgid` is still running. An ended process whose parent went first
 * stays a zombie until init collects it: it is gone, only its entry is left (Linux's /proc says which).
 */
function groupAlive(pgid: number): boolean {
  if (!existsSync("/proc")) {
    try {
      process.kill(-pgid, 0);
      return true;
    } catch {
      return false;
    }
  }
  return readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .some((pid) => {
      const stat = processStat(Number(pid));
      return stat?.group === pgid && stat.state !== "Z";
    });
}

/** Processes still running a kata program bundle (12-shutdown's), by their command lines (Linux). */
function programsLeft(): number[] {
  if (!existsSync("/proc")) return [];
  return readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(path.join(".cache", "threadkata", "programs"));
      } catch {
        return false;
      }
    })
    .map(Number);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const firstLine = (text: string) => text.trim().split("\n")[0] ?? "";

/** An answer that fills its heap inside put(): its tests fail, classified, and the next kata still runs. */
async function allocator(): Promise<ReliabilityRow> {
  const folder = temporaryFolder("reliability-");
  const report = path.join(folder, "report.json");
  const ran = await run(
    [vitestBin, "run", "katas/08-queue/", "katas/10-deadlock/", "--reporter=json", `--outputFile=${report}`],
    {
      THREADKATA_SOURCE: "solutions",
      THREADKATA_SWAP: `08-queue/queue.ts=${path.join(answers, "queue.allocates.ts")}`,
      THREADKATA_SUMMARY: "off",
    },
  );
  const row = {
    check: "reliability",
    variant: "an allocator (08 put() keeps all)",
    expected: "classified, run goes on",
    ms: ran.ms,
  };
  if (!existsSync(report))
    return {
      ...row,
      ok: false,
      got: `no report: the test process ended ${ran.signal ?? `with code ${ran.code}`}: ${firstLine(ran.stderr)}`,
    };
  const json = JSON.parse(readFileSync(report, "utf8")) as {
    testResults: {
      name: string;
      assertionResults: { status: string; failureMessages: string[]; duration?: number }[];
    }[];
  };
  const of = (kata: string) =>
    json.testResults.filter((file) => file.name.includes(`/katas/${kata}/`)).flatMap((file) => file.assertionResults);
  const failed = of("08-queue").filter((test) => test.status === "failed");
  const message = failed.map((test) => test.failureMessages[0] ?? "").find((text) => /ran out of memory/.test(text));
  const expected = new RegExp(
    `^WorkerCrashed: ran out of memory: the heap limit of ${threadHeapLimitMb} MB was reached inside put`,
  );
  const next = of("10-deadlock");
  const ok =
    message !== undefined &&
    expected.test(message) &&
    failed.every((test) => /^WorkerCrashed: ran out of memory/.test(test.failureMessages[0] ?? "")) &&
    next.length > 0 &&
    next.every((test) => test.status === "passed") &&
    !/FATAL ERROR/.test(ran.stderr + ran.stdout) &&
    ran.code === 1 &&
    !groupAlive(ran.pid);
  const slowest = Math.max(...failed.map((test) => test.duration ?? 0));
  return {
    ...row,
    ok,
    got: `${failed.length} tests: "${firstLine(message ?? "no out-of-memory failure")}" (each within ${Math.round(slowest)} ms); 10-deadlock after it: ${next.filter((t) => t.status === "passed").length}/${next.length} passed; exit code ${ran.code}`,
  };
}

/** A thread that throws after its test failed: the next test on the same threads is not blamed. */
async function lateThrower(runSuites: RunSuites): Promise<ReliabilityRow> {
  const started = performance.now();
  const outcome = await runSuites("harness/", {}, ["harness/test/reliability.test.ts"]);
  const bad = outcome.tests.filter((test) => test.state !== "passed");
  return {
    check: "reliability",
    variant: "a late thrower, an allocator (harness)",
    expected: "all pass",
    ok: outcome.tests.length > 0 && bad.length === 0 && outcome.stray.length === 0,
    got: bad.length
      ? `${bad[0]!.name}: ${firstLine(bad[0]!.errors[0]?.message ?? bad[0]!.state)}`
      : (outcome.stray[0] ?? `${outcome.tests.length}/${outcome.tests.length} passed`),
    ms: performance.now() - started,
  };
}

/** An answer that passes every test but does not type-check: "passes, but has 1 type error". */
async function typeError(runSuites: RunSuites): Promise<ReliabilityRow> {
  const answer = path.join(repositoryRoot, answers, "lock.type-error.ts");
  const started = performance.now();
  const errors = typeErrors([answer]);
  const checkMs = performance.now() - started;
  const suite = await runSuites("katas/02-lock/", {
    THREADKATA_SOURCE: "solutions",
    THREADKATA_SWAP: `02-lock/lock.ts=${answer}`,
  });
  const passed = suite.tests.length > 0 && suite.tests.every((test) => test.state === "passed");
  const said = errors.length ? passesButTypeErrors(errors) : "no type error found";
  return {
    check: "reliability",
    variant: "a type error (02 lock.ts)",
    expected: "passes, but has 1 type error",
    ok:
      passed &&
      errors.length === 1 &&
      /^passes, but has 1 type error: .*lock\.type-error\.ts:\d+:\d+ TS2322/.test(said),
    got: `tests ${passed ? "all pass" : "did not all pass"}; "${said}" (type check ${Math.round(checkMs)} ms)`,
    ms: performance.now() - started,
  };
}

/** Bad THREADKATA_* values: one line echoing the value, exit code 2, before any test. */
async function settings(): Promise<ReliabilityRow[]> {
  const rows: ReliabilityRow[] = [];
  for (const [name, value] of [
    ["THREADKATA_SEED", "0x1ffffffff"],
    ["THREADKATA_DEADLINE_MS", "abc"],
  ] as const) {
    const ran = await run([vitestBin, "run", "katas/01-racy-counter/"], { [name]: value });
    const lines = ran.stderr.trim().split("\n").filter(Boolean);
    const ok =
      ran.code === 2 &&
      lines.length === 1 &&
      lines[0]!.startsWith(`threadkata: ${name} `) &&
      lines[0]!.endsWith(`got "${value}"`) &&
      !/Test Files/.test(ran.stdout);
    rows.push({
      check: "reliability",
      variant: `${name}=${value}`,
      expected: "one line, exit 2",
      ok,
      got: `exit ${ran.code}: ${lines[0] ?? "(nothing)"}`,
      ms: ran.ms,
    });
  }
  return rows;
}

/** Every command: --help, and an unknown option answered with a usage line and exit code 2. */
async function commands(): Promise<ReliabilityRow> {
  const started = performance.now();
  const problems: string[] = [];
  const commands: [string, string[]][] = [
    ["kata", [tsxBin, "scripts/kata.ts"]],
    ["verify", [tsxBin, "scripts/verify.ts"]],
    ["bench", [tsxBin, "bench/run.ts"]],
    ["docs", [tsxBin, "scripts/docs.ts"]],
    ["new-kata", [tsxBin, "scripts/new-kata.ts"]],
  ];
  if (existsSync(path.join(repositoryRoot, "scripts", "mutate.ts")))
    commands.push(["mutate", [tsxBin, "scripts/mutate.ts"]]);
  for (const [name, command] of commands) {
    const help = await run([...command, "--help"]);
    if (help.code !== 0 || !/usage|npm run/.test(help.stdout)) problems.push(`${name} --help: exit ${help.code}`);
    const bogus = await run([...command, "--no-such-option"]);
    const said = (bogus.stdout + bogus.stderr).trim().split("\n");
    if (
      bogus.code !== 2 ||
      said.length > 2 ||
      /^\s+at /m.test(bogus.stderr) ||
      !said.some((line) => /usage/.test(line))
    ) {
      problems.push(`${name} --no-such-option: exit ${bogus.code}, ${said.length} lines: ${said[0]}`);
    }
  }
  return {
    check: "reliability",
    variant: `--help, unknown option: ${commands.map(([name]) => name).join(", ")}`,
    expected: "usage, exit 2",
    ok: problems.length === 0,
    got: problems.join("; ") || `each: help, and "Unknown option '--no-such-option'" + usage line, exit 2`,
    ms: performance.now() - started,
  };
}

/** SIGTERM to the whole test run while 12-shutdown's programs run: no folder, no process left. */
async function killDuring12(): Promise<ReliabilityRow> {
  const scratch = () =>
    existsSync(temporaryRoot)
      ? readdirSync(temporaryRoot).flatMap((pid) =>
          readdirSync(path.join(temporaryRoot, pid), { withFileTypes: true })
            .filter((e) => e.name.startsWith("12-shutdown-"))
            .map((e) => `${pid}/${e.name}`),
        )
      : [];
  let seen: string[] = [];
  let killedAt = 0;
  const ran = await run([vitestBin, "run", "katas/12-shutdown/"], { THREADKATA_SOURCE: "solutions" }, async (pgid) => {
    // Wait for a program's scratch folder (no guessing at time), then kill the whole run.
    for (let waited = 0; waited < 120_000 && seen.length === 0; waited += 20) {
      seen = scratch();
      if (seen.length === 0) await sleep(20);
    }
    killedAt = performance.now();
    process.kill(-pgid, "SIGTERM");
  });
  const endedMs = performance.now() - killedAt;
  await sleep(500);
  const left = scratch();
  const group = groupAlive(ran.pid);
  const programs = programsLeft();
  const ok = seen.length > 0 && left.length === 0 && !group && programs.length === 0;
  return {
    check: "reliability",
    variant: "SIGTERM during 12-shutdown",
    expected: "nothing left",
    ok,
    got:
      seen.length === 0
        ? "no 12-shutdown folder appeared"
        : `run ended ${Math.round(endedMs)} ms after the kill; folders left: ${left.length}, processes left: ${group ? "some in its group" : 0} + ${programs.length} programs`,
    ms: ran.ms,
  };
}

/** Every reliability check, one row each. */
export async function reliabilityChecks(runSuites: RunSuites, record: (row: ReliabilityRow) => void): Promise<void> {
  record(await allocator());
  record(await lateThrower(runSuites));
  record(await typeError(runSuites));
  for (const row of await settings()) record(row);
  record(await commands());
  record(await killDuring12());
}
