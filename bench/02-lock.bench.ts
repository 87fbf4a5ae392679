// Kata 02's Lock against the learner's answer, a spin lock and V8's own Atomics.Mutex.
//   npx tsx bench/02-lock.bench.ts [--quick] [--json]
// Target: the reference stays ahead of Atomics.Mutex at 2, 4 and 8 workers.

import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { bundleProgram, bundleWorker, type Source } from "./bundle.ts";
import {
  isMain,
  ratio,
  runAlone,
  skipNote,
  type Measurement,
  type Options,
  type Ratio,
  type SectionResult,
} from "./core.ts";
import {
  contendedMetric,
  LOCK_WORDS,
  measureLockSubject,
  oversubscribedMetric,
  oversubscribedWorkers,
  UNCONTENDED,
} from "./lock-measure.ts";
import os from "node:os";

const REFERENCE = "reference";
const LEARNER = "yours";
const SPIN = "spin lock";
const NATIVE = "Atomics.Mutex";

const wordLock = () => new Int32Array(new SharedArrayBuffer(LOCK_WORDS * 4));

export async function benchLock(options: Options): Promise<SectionResult> {
  const measurements: Measurement[] = [];
  const notes: string[] = [];
  const inProcess: { subject: string; module: string; source: Source; what: string }[] = [
    { subject: REFERENCE, module: "kata-lock.ts", source: "reference", what: "solutions/02-lock/lock.ts" },
    { subject: LEARNER, module: "kata-lock.ts", source: "learner", what: "katas/02-lock/lock.ts" },
    { subject: SPIN, module: "spin-lock.ts", source: "reference", what: "" },
  ];
  for (const { subject, module, source } of inProcess) {
    try {
      const url = await bundleWorker("lock.worker.ts", module, source);
      measurements.push(...(await measureLockSubject(subject, url, wordLock, options)));
    } catch (error) {
      notes.push(skipNote(subject === LEARNER ? `${LEARNER} (katas/02-lock/lock.ts)` : subject, error));
    }
  }
  const native = await nativeMutex(options);
  if (Array.isArray(native)) measurements.push(...native);
  else notes.push(native);

  const section: SectionResult = {
    name: "02-lock",
    title: "02-lock: Lock",
    subjects: [REFERENCE, LEARNER, SPIN, NATIVE],
    measurements,
    ratios: [],
    notes,
  };
  const ratios: (Ratio | undefined)[] = [ratio(section, UNCONTENDED, REFERENCE, NATIVE)];
  for (const workers of options.lockWorkers) {
    const r = ratio(section, contendedMetric(workers), REFERENCE, NATIVE);
    if (r) r.target = { wanted: "reference ahead (> 1)", met: r.ratio > 1 };
    ratios.push(r);
  }
  if (options.oversubscription) {
    const metric = oversubscribedMetric(oversubscribedWorkers(), os.availableParallelism?.() ?? os.cpus().length);
    ratios.push(ratio(section, metric, REFERENCE, SPIN), ratio(section, metric, REFERENCE, NATIVE));
  }
  for (const metric of [UNCONTENDED, ...options.lockWorkers.map(contendedMetric)])
    ratios.push(ratio(section, metric, LEARNER, REFERENCE));
  section.ratios = ratios.filter((r): r is Ratio => r !== undefined);
  if (!measurements.some((m) => m.subject === NATIVE))
    notes.push("the target (reference ahead of Atomics.Mutex) could not be checked without Atomics.Mutex");
  notes.push(
    `${NATIVE} runs in a child process (node --harmony-struct), after the others; the other subjects share this process`,
  );
  return section;
}

/** Atomics.Mutex's figures from a child process, or a note saying why there are none. */
async function nativeMutex(options: Options): Promise<Measurement[] | string> {
  const probe = await output(["--harmony-struct", "-e", "process.stdout.write(typeof Atomics.Mutex)"], 10_000);
  if (probe.trim() !== "function") {
    return `${NATIVE}: skipped, not in Node ${process.version} (node --harmony-struct: ${probe.trim().split("\n")[0] || "no Atomics.Mutex"})`;
  }
  try {
    const bundleUrl = await bundleWorker("lock.worker.ts", "native-mutex.ts");
    const child = await bundleProgram("bench/native-mutex.child.ts");
    const text = await output(
      ["--harmony-struct", fileURLToPath(child), JSON.stringify({ bundleUrl, options })],
      options.durationMs * 200 + 60_000,
    );
    const reply = JSON.parse(text) as { measurements?: Measurement[]; error?: { name: string; message: string } };
    if (reply.error) return skipNote(NATIVE, Object.assign(new Error(reply.error.message), { name: reply.error.name }));
    return reply.measurements ?? `${NATIVE}: no figures came back`;
  } catch (error) {
    return skipNote(NATIVE, error);
  }
}

/** Runs node with `args`; resolves with its stdout (stderr too if stdout is empty). */
function output(args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"], timeout: timeoutMs });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("close", () => resolve(stdout || stderr));
    child.on("error", (error) => resolve(String(error)));
  });
}

if (isMain(import.meta.url)) await runAlone(benchLock);
