// Kata 05's Event against the learner's and bare Atomics.wait/notify.
//   npx tsx bench/05-event.bench.ts [--quick] [--json]

import { isMain, runAlone, type Options, type SectionResult } from "./core.ts";
import { benchWake } from "./wake-measure.ts";

export function benchEvent(options: Options): Promise<SectionResult> {
  return benchWake(
    "05-event",
    "05-event: Event (set() wakes)",
    [
      { subject: "reference", worker: "event.worker.ts", module: "kata-event.ts", source: "reference" },
      { subject: "yours", worker: "event.worker.ts", module: "kata-event.ts", source: "learner" },
      { subject: "Atomics.wait/notify", worker: "bare.worker.ts", module: "none.ts", source: "reference" },
    ],
    options,
    "katas/05-event/event.ts",
  );
}

if (isMain(import.meta.url)) await runAlone(benchEvent);
