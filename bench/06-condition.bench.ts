// Kata 06's Condition (on the ready TicketLock) against the learner's, the toolkit's
// SequenceCondition (same lock) and bare Atomics.wait/notify.
//   npx tsx bench/06-condition.bench.ts [--quick] [--json]

import { isMain, runAlone, type Options, type SectionResult } from "./core.ts";
import { benchWake } from "./wake-measure.ts";

export function benchCondition(options: Options): Promise<SectionResult> {
  return benchWake(
    "06-condition",
    "06-condition: Condition on the ready TicketLock (notify wakes)",
    [
      { subject: "reference", worker: "condition.worker.ts", module: "kata-condition.ts", source: "reference" },
      { subject: "yours", worker: "condition.worker.ts", module: "kata-condition.ts", source: "learner" },
      {
        subject: "SequenceCondition",
        worker: "condition.worker.ts",
        module: "sequence-condition.ts",
        source: "reference",
      },
      { subject: "Atomics.wait/notify", worker: "bare.worker.ts", module: "none.ts", source: "reference" },
    ],
    options,
    "katas/06-condition/condition.ts",
  );
}

if (isMain(import.meta.url)) await runAlone(benchCondition);
