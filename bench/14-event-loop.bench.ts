// Kata 14: the speed-up of CPU-bound jobs on worker threads against the same jobs inline, on this
// machine's cores. No GIL: K jobs on K workers take about the time of one, where Python's threads
// would take K times as long. The figure includes starting a worker per job (milliseconds each).
//   npx tsx bench/14-event-loop.bench.ts [--quick] [--json]

import { availableParallelism } from "node:os";
import { primesBelow } from "../katas/14-event-loop/jobs.ts";
import { isMain, measurement, ratio, repeat, runAlone, skipNote, type Options, type SectionResult } from "./core.ts";

type Offloader = { run<T>(job: readonly [string | URL, string], ...args: unknown[]): Promise<T> };
type OffloaderModule = { Offloader: new (maxWorkers: number) => Offloader };

const job = [new URL("../katas/14-event-loop/jobs.ts", import.meta.url), "primesBelow"] as const;

/** A sieve size whose one job takes about `ms` on this thread. */
function calibrate(ms: number): number {
  let n = 100_000;
  for (;;) {
    let took = Infinity;
    for (let i = 0; i < 3; i++) {
      const started = performance.now();
      primesBelow(n);
      took = Math.min(took, performance.now() - started);
    }
    if (took >= 20) return Math.max(1_000, Math.round((n * ms) / took));
    n *= 2;
  }
}

export async function benchEventLoop(options: Options): Promise<SectionResult> {
  const cores = availableParallelism();
  const jobs = Math.max(2, cores);
  const n = calibrate(options.durationMs * 2); // long enough that starting a worker (a few ms) is small beside it
  const metric = `${jobs} jobs of primesBelow(${n.toLocaleString("en")}), wall time`;
  const section: SectionResult = {
    name: "14-event-loop",
    title: `14-event-loop: ${jobs} CPU-bound jobs, inline vs on workers (${cores} cores)`,
    subjects: ["inline (the event loop's thread)", "reference", "yours"],
    measurements: [],
    ratios: [],
    notes: [
      "the worker figures include starting one worker per job",
      "the inline figure is also how long the event loop was frozen",
    ],
  };

  const inline = await repeat(options, async () => {
    const started = performance.now();
    for (let i = 0; i < jobs; i++) primesBelow(n);
    return performance.now() - started;
  });
  section.measurements.push(measurement(metric, "inline (the event loop's thread)", "ms", "lower", inline));

  for (const [subject, file] of [
    ["reference", "../solutions/14-event-loop/offload.ts"],
    ["yours", "../katas/14-event-loop/offload.ts"],
  ] as const) {
    try {
      const { Offloader } = (await import(file)) as OffloaderModule;
      const offloader = new Offloader(jobs);
      const samples = await repeat(options, async () => {
        const started = performance.now();
        const counts = await Promise.all(Array.from({ length: jobs }, () => offloader.run<number>(job, n)));
        if (counts.some((count) => count !== counts[0])) throw new Error("the jobs disagree");
        return performance.now() - started;
      });
      section.measurements.push(measurement(metric, subject, "ms", "lower", samples));
    } catch (error) {
      section.notes.push(skipNote(subject, error));
    }
  }
  for (const of of ["reference", "yours"]) {
    const found = ratio(section, metric, of, "inline (the event loop's thread)");
    if (found) section.ratios.push(found);
  }
  return section;
}

if (isMain(import.meta.url)) await runAlone(benchEventLoop);
