// Kata 16's RWLock against the learner's and two plain locks: reads per second at 1, 2 and 4 readers.
//   npx tsx bench/16-rwlock.bench.ts [--quick] [--json]
// What it shows: with a plain lock, readers take turns, so more readers add nothing (or lose, to
// the hand-overs); with a readers-writer lock they read side by side, up to the number of cores.

import { bundleWorker, type Source } from "./bundle.ts";
import {
  isMain,
  measurement,
  ratio,
  repeat,
  runAlone,
  skipNote,
  type Measurement,
  type Options,
  type Ratio,
  type SectionResult,
} from "./core.ts";
import { Team } from "./team.ts";
import { controlBlock, type Timed } from "./workers/control.ts";
import { TABLE_WORDS, type ReadInput } from "./workers/rwlock.worker.ts";

const REFERENCE = "reference";
const LEARNER = "yours";
const TICKET = "TicketLock (toolkit)";
const MUTEX = "Lock (kata 02 reference)";

/** Reader threads per figure. */
export const READERS = [1, 2, 4];
/** Words given to a lock under test (the reference needs 2). */
const LOCK_WORDS = 16;

export const readsMetric = (readers: number) => `reads, ${readers} reader${readers === 1 ? "" : "s"}`;

export async function benchRWLock(options: Options): Promise<SectionResult> {
  const measurements: Measurement[] = [];
  const notes: string[] = [];
  const subjects: { subject: string; module: string; source: Source }[] = [
    { subject: REFERENCE, module: "kata-rwlock.ts", source: "reference" },
    { subject: LEARNER, module: "kata-rwlock.ts", source: "learner" },
    { subject: TICKET, module: "ticket-lock.ts", source: "reference" },
    { subject: MUTEX, module: "kata-lock-reading.ts", source: "reference" },
  ];
  for (const { subject, module, source } of subjects) {
    try {
      const url = await bundleWorker("rwlock.worker.ts", module, source);
      measurements.push(...(await measureReads(subject, url, options)));
    } catch (error) {
      notes.push(skipNote(subject === LEARNER ? `${LEARNER} (katas/16-rwlock/rwlock.ts)` : subject, error));
    }
  }
  const section: SectionResult = {
    name: "16-rwlock",
    title: "16-rwlock: RWLock (readers only)",
    subjects: subjects.map((s) => s.subject),
    measurements,
    ratios: [],
    notes,
  };
  const ratios: (Ratio | undefined)[] = [];
  for (const readers of READERS) {
    ratios.push(
      ratio(section, readsMetric(readers), REFERENCE, TICKET),
      ratio(section, readsMetric(readers), REFERENCE, MUTEX),
      ratio(section, readsMetric(readers), LEARNER, REFERENCE),
    );
  }
  section.ratios = ratios.filter((r): r is Ratio => r !== undefined);
  notes.push(`a read sums a shared table of ${TABLE_WORDS} words under the lock; no writer runs`);
  return section;
}

async function measureReads(subject: string, bundleUrl: string, options: Options): Promise<Measurement[]> {
  const team = new Team(bundleUrl, Math.max(...READERS));
  const timeoutMs = options.durationMs * 4 + 10_000;
  const table = new Int32Array(new SharedArrayBuffer(TABLE_WORDS * 4)).map((_, i) => i);
  const input = (control: Int32Array): ReadInput => ({
    control,
    lock: new Int32Array(new SharedArrayBuffer(LOCK_WORDS * 4)),
    table,
    durationMs: options.durationMs,
  });
  try {
    await team.run("probe", [input(controlBlock())], { timeoutMs: 5_000 });
    const figures: Measurement[] = [];
    for (const readers of READERS) {
      const runs = await repeat(options, async () => {
        const control = controlBlock();
        const shared = input(control);
        return team.runTogether<Timed>(
          "reads",
          Array.from({ length: readers }, () => shared),
          control,
          { timeoutMs },
        );
      });
      figures.push(measurement(readsMetric(readers), subject, "ops/s", "higher", runs.map(throughput)));
    }
    return figures;
  } finally {
    await team.close();
  }
}

function throughput(results: Timed[]): number {
  const start = Math.min(...results.map((r) => r.start));
  const end = Math.max(...results.map((r) => r.end));
  return (results.reduce((sum, r) => sum + r.ops, 0) / (end - start)) * 1e9;
}

if (isMain(import.meta.url)) await runAlone(benchRWLock);
