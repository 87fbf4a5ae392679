// Kata 08's BoundedQueue against the learner's and a MessageChannel between workers.
//   npx tsx bench/08-queue.bench.ts [--quick] [--json]

import { MessageChannel, type Transferable } from "node:worker_threads";
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
import type { QueueInput } from "./workers/queue.worker.ts";

const REFERENCE = "reference";
const LEARNER = "yours";
const CHANNEL = "MessageChannel";
/** The reference with each producer:consumer pair on a queue of its own, as each pair has a channel of its own. */
const PER_PAIR = "reference, a queue per pair";

/** One queue for every thread, one per producer:consumer pair, or one channel per pair. */
type Layout = "shared" | "per pair" | "channel";

export const queueMetric = (capacity: number, pairs: number) =>
  `capacity ${capacity}, ${pairs}:${pairs} producers:consumers`;

async function measureQueueSubject(
  subject: string,
  bundleUrl: string,
  options: Options,
  layout: Layout,
): Promise<Measurement[]> {
  const team = new Team(bundleUrl, 2 * Math.max(...options.pairs));
  const shared = (words: number) => new Int32Array(new SharedArrayBuffer(words * 4));
  const input = (capacity: number, pairs: number): QueueInput => ({
    control: controlBlock(),
    sync: shared(16),
    memory: shared(capacity + 1024),
    capacity,
    producers: pairs,
    consumers: pairs,
    durationMs: options.durationMs,
  });
  try {
    await team.run("probe", [input(1, 1)], { timeoutMs: 5_000 });
    const figures: Measurement[] = [];
    for (const capacity of options.capacities) {
      for (const pairs of options.pairs) {
        if (layout === "per pair" && pairs === 1) continue; // the reference itself
        const runs = await repeat(options, async () => {
          const base = input(capacity, pairs);
          const inputs: QueueInput[] = [];
          const transfer: Transferable[][] = [];
          const tasks: ("producer" | "consumer")[] = [];
          for (let i = 0; i < pairs; i++) {
            if (layout === "channel") {
              const { port1, port2 } = new MessageChannel();
              inputs.push({ ...base, port: port1 }, { ...base, port: port2 });
              transfer.push([port1], [port2]);
            } else {
              const pair =
                layout === "per pair"
                  ? { ...base, memory: shared(capacity + 1024), sync: shared(16), producers: 1, consumers: 1 }
                  : base;
              inputs.push(pair, pair);
              transfer.push([], []);
            }
            tasks.push("producer", "consumer");
          }
          // Workers 0, 2, … produce; 1, 3, … consume: one task name per run, so the roles go by input.
          const results = await team.runTogether<Timed>(
            "role",
            inputs.map((each, i) => ({ ...each, role: tasks[i] })),
            base.control,
            {
              timeoutMs: options.durationMs * 4 + 10_000,
              transfer,
            },
          );
          const consumed = results.filter((_, i) => tasks[i] === "consumer").reduce((sum, r) => sum + r.ops, 0);
          const produced = results.filter((_, i) => tasks[i] === "producer").reduce((sum, r) => sum + r.ops, 0);
          if (consumed !== produced) throw new Error(`${subject} lost items: ${produced} put, ${consumed} taken`);
          const elapsed = Math.max(...results.map((r) => r.end)) - Math.min(...results.map((r) => r.start));
          return (consumed / elapsed) * 1e9;
        });
        figures.push(measurement(queueMetric(capacity, pairs), subject, "items/s", "higher", runs));
      }
    }
    return figures;
  } finally {
    await team.close();
  }
}

export async function benchQueue(options: Options): Promise<SectionResult> {
  const subjects: { subject: string; worker: string; module: string; source: Source }[] = [
    { subject: REFERENCE, worker: "queue.worker.ts", module: "kata-queue.ts", source: "reference" },
    { subject: LEARNER, worker: "queue.worker.ts", module: "kata-queue.ts", source: "learner" },
    { subject: CHANNEL, worker: "channel.worker.ts", module: "none.ts", source: "reference" },
    { subject: PER_PAIR, worker: "queue.worker.ts", module: "kata-queue.ts", source: "reference" },
  ];
  const layouts: Record<string, Layout> = { [CHANNEL]: "channel", [PER_PAIR]: "per pair" };
  const measurements: Measurement[] = [];
  const notes: string[] = [];
  for (const { subject, worker, module, source } of subjects) {
    try {
      measurements.push(
        ...(await measureQueueSubject(
          subject,
          await bundleWorker(worker, module, source),
          options,
          layouts[subject] ?? "shared",
        )),
      );
    } catch (error) {
      notes.push(skipNote(subject === LEARNER ? `${LEARNER} (katas/08-queue/queue.ts)` : subject, error));
    }
  }
  const section: SectionResult = {
    name: "08-queue",
    title: "08-queue: BoundedQueue (items through, put to get)",
    subjects: subjects.map((s) => s.subject),
    measurements,
    ratios: [],
    notes,
  };
  const ratios: (Ratio | undefined)[] = [];
  for (const capacity of options.capacities) {
    for (const pairs of options.pairs) {
      const againstChannel = ratio(section, queueMetric(capacity, pairs), REFERENCE, CHANNEL);
      // Capacity 1 is a hand-over per item, where a message costs a wake-up and the queue, spinning, does not.
      if (againstChannel)
        againstChannel.target =
          capacity === 1
            ? { wanted: "reference ahead (> 1)", met: againstChannel.ratio > 1 }
            : { wanted: "≥ 1×", met: againstChannel.ratio >= 1 };
      ratios.push(againstChannel, ratio(section, queueMetric(capacity, pairs), LEARNER, REFERENCE));
      if (pairs > 1) ratios.push(ratio(section, queueMetric(capacity, pairs), PER_PAIR, CHANNEL));
    }
  }
  section.ratios = ratios.filter((r): r is Ratio => r !== undefined);
  notes.push(
    `${CHANNEL}: producer i posts to consumer i only (one channel per pair); capacity is a credit window: at most that many items in flight`,
    `${PER_PAIR}: the same split for the queue, one per producer:consumer pair (with one pair, that is the reference): what sharing one queue among all the threads costs`,
  );
  return section;
}

if (isMain(import.meta.url)) await runAlone(benchQueue);
