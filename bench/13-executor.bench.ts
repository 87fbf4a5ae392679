// Kata 13's ThreadPoolExecutor (the reference, the simple model answer, and the fast design beside
// it in solutions/13-executor/right/) against piscina, a minimal postMessage pool and Python's own
// concurrent.futures.ThreadPoolExecutor (python3, where present). Each subject runs in a child
// process of its own (bench/executor.child.ts), one after the other, with the same worker count.
//   npx tsx bench/13-executor.bench.ts [--quick] [--json]

import { build, formatMessages, type Message } from "esbuild";
import { spawn } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { resolution } from "../harness/engine/bundle.ts";
import { bundleCache, workerBundleOptions, writeBundle } from "../harness/engine/worker-bundle.ts";
import { repositoryRoot, underTest } from "../harness/engine/under-test.ts";
import { BundleError, type Source } from "./bundle.ts";
import {
  isMain,
  measurement,
  ratio,
  runAlone,
  skipNote,
  type Measurement,
  type Options,
  type Ratio,
  type SectionResult,
} from "./core.ts";
import type { ExecutorChildInput, ExecutorFigures } from "./executor.child.ts";

const REFERENCE = "reference";
const FAST = "fast design";
const LEARNER = "yours";
const PISCINA = "piscina";
const POST = "postMessage";
const PYTHON = "Python";

const THROUGHPUT = "tiny tasks, all submitted at once";
const LATENCY = "one task in flight, round trip";
const STARTUP = "start-up, to the first results";

/** Whose executor "#kata/" means in the child: the reference, the fast design beside it, or the learner's. */
type ChildSource = Source | "fast";

function childEnvironment(source: ChildSource): NodeJS.ProcessEnv {
  if (source === "learner") return process.env;
  const swap =
    source === "fast" ? "13-executor/executor.ts=solutions/13-executor/right/executor.fast-shared-memory.ts" : "";
  return { ...process.env, THREADKATA_SOURCE: "solutions", THREADKATA_SWAP: swap };
}

/** The child program, bundled with "#kata/" meaning the code `source` names. */
async function bundleChild(source: ChildSource): Promise<string> {
  const env = childEnvironment(source);
  const result = await build({
    ...workerBundleOptions(
      {
        contents: `import ${JSON.stringify(path.join(repositoryRoot, "bench", "executor.child.ts"))};`,
        resolveDir: repositoryRoot,
        sourcefile: "executor-child.entry.ts",
      },
      path.join(bundleCache, "bench", "executor-child.mjs"),
    ),
    packages: "external",
    plugins: [resolution(underTest(env))],
  }).catch(async (failure: { errors?: Message[] }) => {
    const text = failure.errors
      ? (await formatMessages(failure.errors, { kind: "error", color: false })).join("\n")
      : String(failure);
    throw new BundleError(`the code could not be loaded:\n${text.trim()}`);
  });
  return writeBundle(result.outputFiles[0]!.contents, path.join(bundleCache, "bench"), `executor-child-${source}`);
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<ExecutorFigures> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"], timeout: timeoutMs, env });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code, signal) => {
      try {
        const parsed = JSON.parse(stdout) as { figures?: ExecutorFigures; error?: { name: string; message: string } };
        if (parsed.figures) return resolve(parsed.figures);
        const error = new Error(parsed.error?.message ?? "no figures");
        error.name = parsed.error?.name ?? "Error";
        reject(error);
      } catch {
        reject(
          new Error(
            signal
              ? `stopped (${signal}, after ${timeoutMs} ms)`
              : `exited with code ${code}: ${(stderr || stdout).trim().split("\n").slice(-2).join(" ")}`,
          ),
        );
      }
    });
  });
}

export async function benchExecutor(options: Options): Promise<SectionResult> {
  const workers = Math.max(2, os.availableParallelism());
  const quick = options.profile !== "default";
  const input = {
    workers,
    tasks: options.profile === "smoke" ? 2_000 : quick ? 20_000 : 100_000,
    runs: options.runs,
    warmups: options.warmups,
    rounds: options.profile === "smoke" ? 50 : quick ? 500 : 2_000,
    tinyTaskFile: path.join(repositoryRoot, "bench", "workers", "subjects", "tiny-task.ts"),
  };
  const subjects = [REFERENCE, FAST, LEARNER, PISCINA, POST, PYTHON];
  const measurements: Measurement[] = [];
  const notes: string[] = [];
  const timeoutMs = 120_000;
  const startups = options.profile === "default" ? 5 : 1;
  for (const subject of subjects) {
    try {
      let figures: ExecutorFigures;
      const startupSamples: number[] = [];
      if (subject === PYTHON) {
        const python = path.join(repositoryRoot, "bench", "executor.py");
        figures = await run("python3", [python, JSON.stringify(input)], process.env, timeoutMs).catch(
          (error: NodeJS.ErrnoException) => {
            throw error.code === "ENOENT"
              ? Object.assign(new Error("python3 is not installed here"), { name: "Absent" })
              : error;
          },
        );
      } else {
        const source: ChildSource = subject === LEARNER ? "learner" : subject === FAST ? "fast" : "reference";
        const child = fileURLToPath(await bundleChild(source));
        const env = childEnvironment(source);
        const childSubject = subject === PISCINA || subject === POST ? subject : "executor";
        const runChild = (startupOnly: boolean) =>
          run(
            process.execPath,
            [child, JSON.stringify({ ...input, subject: childSubject, startupOnly } satisfies ExecutorChildInput)],
            env,
            timeoutMs,
          );
        figures = await runChild(false);
        // One start-up is one sample, and pools that start in about the time two threads take to
        // boot differ by less than its noise: more fresh processes, for a median.
        for (let sample = 1; sample < startups; sample++) startupSamples.push((await runChild(true)).startupMs);
      }
      startupSamples.push(figures.startupMs);
      measurements.push(
        measurement(THROUGHPUT, subject, "items/s", "higher", figures.throughput),
        measurement(LATENCY, subject, "µs", "lower", figures.latencyMicros),
        measurement(STARTUP, subject, "ms", "lower", startupSamples),
      );
    } catch (error) {
      const e = error as Error;
      notes.push(
        e.name === "Absent"
          ? `${PYTHON}: skipped, ${e.message}`
          : skipNote(subject === LEARNER ? `${LEARNER} (katas/13-executor/executor.ts)` : subject, error),
      );
    }
  }
  const section: SectionResult = {
    name: "13-executor",
    title: "13-executor: ThreadPoolExecutor (tiny tasks: n => n + 1)",
    subjects,
    measurements,
    ratios: [],
    notes,
  };
  const against = (
    metric: string,
    of: string,
    to: string,
    wanted?: { factor: number; text: string },
  ): Ratio | undefined => {
    const r = ratio(section, metric, of, to);
    return r && wanted ? { ...r, target: { wanted: wanted.text, met: r.ratio >= wanted.factor } } : r;
  };
  section.ratios = [
    against(THROUGHPUT, REFERENCE, PISCINA, { factor: 1, text: "≥ 1×" }),
    against(LATENCY, REFERENCE, PISCINA, { factor: 1, text: "≥ 1× (no worse)" }),
    against(STARTUP, REFERENCE, PISCINA, { factor: 1, text: "≥ 1× (no slower)" }),
    against(THROUGHPUT, FAST, PISCINA, { factor: 10, text: "≥ 10×" }),
    against(LATENCY, FAST, PISCINA, { factor: 1, text: "≥ 1× (no worse)" }),
    against(THROUGHPUT, FAST, REFERENCE),
    against(THROUGHPUT, REFERENCE, POST),
    against(THROUGHPUT, REFERENCE, PYTHON),
    against(THROUGHPUT, LEARNER, REFERENCE),
    against(LATENCY, LEARNER, REFERENCE),
  ].filter((r): r is Ratio => r !== undefined);
  notes.push(
    `${workers} workers for every subject; ${input.tasks.toLocaleString("en")} tasks submitted at once per run (awaited together), ${input.rounds} round trips per latency run; each subject in its own child process`,
    `start-up: from making the pool to the results of ${workers * 4} tasks, every worker started; ${startups === 1 ? "one fresh process" : `median of ${startups} fresh processes`} (Python: one); the reference's bundles its modules with esbuild only when they changed since the last run (kept in node_modules/.cache)`,
    `${POST}: one postMessage per task each way, round robin, no futures: about the least a pool can do`,
  );
  return section;
}

if (isMain(import.meta.url)) await runAlone(benchExecutor);
