// The lock figures of one subject, on a team of workers. Shared by bench/02-lock.bench.ts and the
// child process that measures Atomics.Mutex (bench/native-mutex.child.ts), so both measure alike.

import os from "node:os";
import { measurement, repeat, type Measurement, type Options } from "./core.ts";
import { Team } from "./team.ts";
import { controlBlock, type Timed } from "./workers/control.ts";
import type { LockInput } from "./workers/lock.worker.ts";

export const UNCONTENDED = "uncontended acquire+release";
export const contendedMetric = (workers: number) => `contended, ${workers} workers`;
export const fairnessMetric = (workers: number) => `share per worker, ${workers} workers (smallest–largest)`;
export const oversubscribedMetric = (workers: number, cores: number) =>
  `oversubscribed, ${workers} workers on ${cores} cores`;

/** Words given to a lock under test (the reference needs 1). */
export const LOCK_WORDS = 16;

export function oversubscribedWorkers(): number {
  return Math.max(8, 4 * (os.availableParallelism?.() ?? os.cpus().length));
}

/** Critical section and work outside it for the oversubscribed figure: long enough that a holder is often descheduled. */
const OVERSUBSCRIBED_INSIDE = 200;
const OVERSUBSCRIBED_OUTSIDE = 400;

export class LostUpdates extends Error {
  override name = "LostUpdates";
}

/** All figures of one lock; `makeShared` makes a fresh lock's shared part for each run. */
export async function measureLockSubject(
  subject: string,
  bundleUrl: string,
  makeShared: () => unknown,
  options: Options,
): Promise<Measurement[]> {
  const cores = os.availableParallelism?.() ?? os.cpus().length;
  const oversubscribed = oversubscribedWorkers();
  const size = Math.max(...options.lockWorkers, options.oversubscription ? oversubscribed : 1);
  const team = new Team(bundleUrl, size);
  const timeoutMs = options.durationMs * 4 + 10_000;

  async function once(
    task: "uncontended" | "contended",
    workers: number,
    inside = 0,
    outside = 0,
  ): Promise<{ results: Timed[]; elapsedNs: number }> {
    const control = controlBlock();
    const counter = new Int32Array(new SharedArrayBuffer(64));
    const input: LockInput = {
      control,
      shared: makeShared(),
      counter,
      durationMs: options.durationMs,
      inside,
      outside,
    };
    const results = await team.runTogether<Timed>(
      task,
      Array.from({ length: workers }, () => input),
      control,
      { timeoutMs },
    );
    const ops = results.reduce((sum, r) => sum + r.ops, 0);
    if (Atomics.load(counter, 0) !== ops) {
      throw new LostUpdates(
        `${subject} let two threads in at once: ${ops} critical sections counted ${Atomics.load(counter, 0)}`,
      );
    }
    const start = Math.min(...results.map((r) => r.start));
    const end = Math.max(...results.map((r) => r.end));
    return { results, elapsedNs: end - start };
  }

  try {
    const probeInput = { shared: makeShared(), counter: new Int32Array(new SharedArrayBuffer(64)) };
    await team.run("probe", [probeInput], { timeoutMs: 5_000 });

    const figures: Measurement[] = [];
    const single = await repeat(options, () => once("uncontended", 1));
    figures.push(
      measurement(
        UNCONTENDED,
        subject,
        "ns",
        "lower",
        single.map((r) => r.elapsedNs / r.results[0]!.ops),
      ),
    );

    for (const workers of options.lockWorkers) {
      const runs = await repeat(options, () => once("contended", workers));
      figures.push(measurement(contendedMetric(workers), subject, "ops/s", "higher", runs.map(throughput)));
      const fairness = measurement(
        fairnessMetric(workers),
        subject,
        "%",
        "higher",
        runs.map((r) => Math.min(...shares(r))),
      );
      const largest = runs.map((r) => Math.max(...shares(r)));
      fairness.high = { samples: largest, median: measurement("", "", "", "higher", largest).median };
      figures.push(fairness);
    }

    if (options.oversubscription) {
      const runs = await repeat(options, () =>
        once("contended", oversubscribed, OVERSUBSCRIBED_INSIDE, OVERSUBSCRIBED_OUTSIDE),
      );
      figures.push(
        measurement(oversubscribedMetric(oversubscribed, cores), subject, "ops/s", "higher", runs.map(throughput)),
      );
    }
    return figures;
  } finally {
    await team.close();
  }
}

function throughput({ results, elapsedNs }: { results: Timed[]; elapsedNs: number }): number {
  return (results.reduce((sum, r) => sum + r.ops, 0) / elapsedNs) * 1e9;
}

function shares({ results }: { results: Timed[] }): number[] {
  const total = results.reduce((sum, r) => sum + r.ops, 0);
  return results.map((r) => (100 * r.ops) / total);
}
