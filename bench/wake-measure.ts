// Wake-up figures of one subject (an Event, a Condition, bare Atomics): ping-pong round trip, and
// notify-all with many waiters. Shared by bench/05-event.bench.ts and bench/06-condition.bench.ts.

import { bundleWorker, type Source } from "./bundle.ts";
import {
  measurement,
  ratio,
  repeat,
  skipNote,
  type Measurement,
  type Options,
  type Ratio,
  type SectionResult,
} from "./core.ts";
import { Team } from "./team.ts";
import { controlBlock, type Timed } from "./workers/control.ts";
import { SYNC_WORDS, type WakeInput } from "./workers/wake.ts";

export const PING_PONG = "ping-pong round trip";
export const notifyAllMetric = (waiters: number) => `notify-all, ${waiters} waiters, until the last runs`;

const MEMORY_WORDS = 512;
const shared = (words: number) => new Int32Array(new SharedArrayBuffer(words * 4));

export async function measureWakeSubject(subject: string, bundleUrl: string, options: Options): Promise<Measurement[]> {
  const team = new Team(bundleUrl, Math.max(2, options.waiters + 1));
  const base = (): Omit<WakeInput, "role" | "index"> => ({
    control: controlBlock(),
    sync: shared(SYNC_WORDS),
    memory: shared(MEMORY_WORDS),
    times: new Float64Array(new SharedArrayBuffer(8 * options.waiters)),
    waiters: options.waiters,
    rounds: options.rounds,
    durationMs: options.durationMs,
  });
  try {
    await team.run("probe", [{ ...base(), role: "driver", index: 0 }], { timeoutMs: 5_000 });

    const pingPong = await repeat(options, async () => {
      const input = base();
      const roles = [
        { ...input, role: "driver", index: 0 },
        { ...input, role: "partner", index: 1 },
      ];
      const [driver] = await team.runTogether<Timed>("pingPong", roles, input.control, {
        timeoutMs: options.durationMs * 4 + 10_000,
      });
      return (driver!.end - driver!.start) / driver!.ops;
    });

    // One long run of rounds; the first few are the warm-up.
    const warm = options.warmups * 5;
    const input = { ...base(), rounds: options.rounds + warm };
    const inputs = [
      { ...input, role: "notifier", index: 0 },
      ...Array.from({ length: options.waiters }, (_, i) => ({ ...input, role: "waiter", index: i })),
    ];
    const results = await team.runTogether<number[] | number>("notifyAll", inputs, input.control, {
      timeoutMs: input.rounds * 50 + 10_000,
    });
    const latencies = (results[0] as number[]).slice(warm);

    return [
      measurement(PING_PONG, subject, "ns", "lower", pingPong),
      measurement(notifyAllMetric(options.waiters), subject, "ns", "lower", latencies),
    ];
  } finally {
    await team.close();
  }
}

export interface WakeSubject {
  subject: string;
  worker: string;
  module: string;
  source: Source;
}

/** A whole wake-up section: every subject, then the ratios of the first (the reference) to the others. */
export async function benchWake(
  name: string,
  title: string,
  subjects: WakeSubject[],
  options: Options,
  learnerFile: string,
): Promise<SectionResult> {
  const measurements: Measurement[] = [];
  const notes: string[] = [];
  for (const { subject, worker, module, source } of subjects) {
    try {
      measurements.push(...(await measureWakeSubject(subject, await bundleWorker(worker, module, source), options)));
    } catch (error) {
      notes.push(skipNote(source === "learner" ? `${subject} (${learnerFile})` : subject, error));
    }
  }
  const section: SectionResult = {
    name,
    title,
    subjects: subjects.map((s) => s.subject),
    measurements,
    ratios: [],
    notes,
  };
  const [reference, ...others] = section.subjects;
  const learner = subjects.find((s) => s.source === "learner")?.subject;
  const ratios: (Ratio | undefined)[] = [];
  for (const metric of [PING_PONG, notifyAllMetric(options.waiters)]) {
    for (const other of others) if (other !== learner) ratios.push(ratio(section, metric, reference!, other));
    if (learner) ratios.push(ratio(section, metric, learner, reference!));
  }
  section.ratios = ratios.filter((r): r is Ratio => r !== undefined);
  notes.push(
    `notify-all: from just before the wake-up call to the last waiter running again (median, min–max over ${options.rounds} rounds)`,
  );
  return section;
}
