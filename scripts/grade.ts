// npm run grade -- <folder>: grades a class. Each sub-folder of <folder> is one learner's answers,
// laid out like katas/ (or a whole copy of the repository, katas/ inside). Each learner runs in turn
// in a process of its own, within a time limit (scripts/grade/). Prints a table of learners × katas
// and writes CSV, JSON and JUnit XML, with vitest's own reports and log for each learner beside them.

import { existsSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { catalogue } from "../katas/catalogue.ts";
import { palette } from "../harness/report/colour.ts";
import { findKata } from "./kata/find-kata.ts";
import { killAllRunning } from "./grade/isolated.ts";
import { gradeLearner, learnersIn } from "./grade/learner.ts";
import { solvedCount, type ClassResult } from "./grade/model.ts";
import { formatSeconds, renderCsv, renderJson, renderJunit, renderTable } from "./grade/reports.ts";

const usage = `usage: npm run grade -- <folder> [options]

Grades a class: each sub-folder of <folder> is one learner's answers, laid out like katas/
(01-racy-counter/counter.ts, 02-lock/lock.ts, ...), or a whole copy of this repository (its katas/
is graded). Learners run one after the other, each in a process of its own, so that a hang, a crash
or a leak in one learner's code never touches another's result; nothing they start outlives them.

options:
  --out <dir>          where the reports go (default: <folder>-grades, beside <folder>)
  --kata <kata>        grade only this kata; repeat it for more (--kata 01 --kata 02)
  --time-limit <s>     seconds per learner, all its katas together (default 600)
  --stress <level>     THREADKATA_STRESS for every run: quick, default, heavy (default: default)
  -h, --help           this text

It writes, in --out: grades.csv (a row per learner, a column per kata), grades.json, grades.junit.xml
(every test of every learner), and learners/<name>.log (vitest's report) with vitest's JSON and
JUnit files of each learner. Exit code: 0 once the class is graded, whatever the results; 1 if
grading itself failed; 2 for a usage error.`;

class UsageError extends Error {}

interface Options {
  folder: string;
  out: string;
  katas: string[];
  timeLimitSeconds: number;
  stress: string;
}

function parse(argv: string[]): Options | "help" {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        out: { type: "string" },
        kata: { type: "string", multiple: true },
        "time-limit": { type: "string", default: "600" },
        stress: { type: "string", default: "default" },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return "help";
  if (positionals.length !== 1)
    throw new UsageError(
      positionals.length === 0
        ? "name the folder of learners to grade"
        : `one folder, not ${positionals.length}: ${positionals.join(" ")}`,
    );
  const folder = path.resolve(positionals[0]!);
  if (!existsSync(folder) || !statSync(folder).isDirectory()) throw new UsageError(`${positionals[0]} is not a folder`);
  const timeLimitSeconds = Number(values["time-limit"]);
  if (!Number.isFinite(timeLimitSeconds) || timeLimitSeconds <= 0)
    throw new UsageError(`--time-limit wants a number of seconds, not "${values["time-limit"]}"`);
  if (!["quick", "default", "heavy", "soak"].includes(values.stress))
    throw new UsageError(`--stress is quick, default, heavy or soak, not "${values.stress}"`);
  const katas = (values.kata ?? []).map((typed) => {
    const found = findKata(catalogue, typed);
    if ("problem" in found) throw new UsageError(found.problem);
    return found.kata.slug;
  });
  return {
    folder,
    out: path.resolve(values.out ?? `${folder}-grades`),
    katas:
      katas.length > 0
        ? catalogue.map((k) => k.slug).filter((slug) => katas.includes(slug))
        : catalogue.map((k) => k.slug),
    timeLimitSeconds,
    stress: values.stress,
  };
}

async function grade(options: Options): Promise<void> {
  const learners = learnersIn(options.folder, options.out);
  if (learners.length === 0) throw new UsageError(`${options.folder} holds no learner folders`);
  const learnerDir = path.join(options.out, "learners");
  mkdirSync(learnerDir, { recursive: true });
  const tty = Boolean(process.stdout.isTTY);
  const paint = palette(process.stdout);
  const startedAt = new Date();
  const started = performance.now();
  console.log(
    `grading ${learners.length} learners × ${options.katas.length} katas, one learner at a time (at most ${options.timeLimitSeconds} s each); reports in ${options.out}`,
  );
  const result: ClassResult = {
    folder: options.folder,
    startedAt: startedAt.toISOString(),
    seconds: 0,
    timeLimitSeconds: options.timeLimitSeconds,
    stress: options.stress,
    katas: options.katas,
    learners: [],
  };
  for (const [index, learner] of learners.entries()) {
    const place = `[${index + 1}/${learners.length}] ${learner.name}`;
    const learnerStarted = performance.now();
    const graded = await gradeLearner({
      ...learner,
      katas: options.katas,
      outDir: learnerDir,
      reportDir: options.out,
      timeLimitSeconds: options.timeLimitSeconds,
      env: { THREADKATA_STRESS: options.stress },
      onProgress: (running, done) => {
        if (!tty) return;
        const elapsed = formatSeconds((performance.now() - learnerStarted) / 1000);
        process.stdout.write(
          `\r\x1b[K${place}  ${done}/${options.katas.length} katas done${running ? `, running ${running}` : ""}  ${elapsed}`,
        );
      },
    });
    result.learners.push(graded);
    const ending =
      graded.ending === "finished"
        ? ""
        : graded.ending === "timed out"
          ? ", its time ran out"
          : ", a test process died";
    process.stdout.write(
      `${tty ? "\r\x1b[K" : ""}${place}  ${solvedCount(graded)}/${options.katas.length} solved in ${formatSeconds(graded.seconds)}${ending}\n`,
    );
  }
  result.seconds = (performance.now() - started) / 1000;
  writeFileSync(path.join(options.out, "grades.csv"), renderCsv(result));
  writeFileSync(path.join(options.out, "grades.json"), renderJson(result));
  writeFileSync(path.join(options.out, "grades.junit.xml"), renderJunit(result, options.out));
  console.log(`\n${renderTable(result, paint)}\n`);
  console.log(
    `wrote ${["grades.csv", "grades.json", "grades.junit.xml"].map((file) => path.join(options.out, file)).join(", ")}; each learner's log and vitest reports in ${learnerDir}`,
  );
}

// Ctrl-C or a kill: end the learner's process group on the way out, so nothing is left running.
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.on(signal, () => {
    killAllRunning();
    process.stderr.write(`\n${signal}: the learner's test processes were ended; no reports written\n`);
    process.exit(130);
  });
}

try {
  const options = parse(process.argv.slice(2));
  if (options === "help") console.log(usage);
  else await grade(options);
} catch (error) {
  if (error instanceof UsageError) {
    console.error(`${error.message}\n\n${usage}`);
    process.exitCode = 2;
  } else {
    console.error(error);
    process.exitCode = 1;
  }
}
