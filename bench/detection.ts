// The harness's detection power: for each kata's known-wrong answers (solutions/<slug>/wrong/),
// how many repetitions and milliseconds until the suite catches it, over several runs, in the
// explore mode alone and in the stress mode alone, side by side. Slow, so opt-in:
// npm run bench -- detection [--runs N] [--kata 06]. It runs the suites the way the self-check does
// (scripts/verify.ts's runSuites, the wrong answer swapped in with THREADKATA_SWAP).

import { catalogue } from "../katas/catalogue.ts";
import { measurement, type Measurement, type SectionResult } from "./core.ts";

const REPETITIONS = "repetitions (stress)";
const TIME = "time until caught";
const modes = [
  { name: "explore", setting: "only" },
  { name: "stress", setting: "off" },
] as const;

/** One suite run: where the first failing test failed, or undefined if the suite missed the bug. */
interface Caught {
  repetitions?: number;
  ms: number;
  test: string;
  error: string;
}

export async function benchDetection(
  runs: number,
  kataFilter?: string,
  progress: (line: string) => void = () => {},
): Promise<SectionResult> {
  const { runSuites } = await import("../scripts/verify.ts");
  const { knownWrongAnswers } = await import("../scripts/known-wrong.ts");
  const katas = catalogue.filter(
    (k) => !kataFilter || k.slug.startsWith(kataFilter.padStart(2, "0")) || k.slug.includes(kataFilter),
  );
  if (katas.length === 0) throw new Error(`no kata matches "${kataFilter}"`);
  const measurements: Measurement[] = [];
  const notes: string[] = [];
  for (const kata of katas) {
    for (const wrong of knownWrongAnswers(kata)) {
      if (wrong.problem) {
        notes.push(wrong.problem);
        continue;
      }
      const metric = `${kata.slug} ${wrong.name}`;
      for (const mode of modes.filter((m) => kata.explore || m.name === "stress")) {
        const caught: Caught[] = [];
        let missed = 0;
        for (let run = 0; run < runs; run++) {
          const suite = await runSuites(`katas/${kata.slug}/`, {
            THREADKATA_SOURCE: "solutions",
            THREADKATA_SWAP: `${kata.slug}/${wrong.replaces}=${wrong.file}`,
            THREADKATA_DEADLINE_MS: "1000",
            THREADKATA_EXPLORE: mode.setting,
          });
          // Tests run one after another, in this order: the time until caught is the time of every
          // test up to and including the first that failed.
          let ms = 0;
          const first = suite.tests.find((test) => {
            ms += test.ms ?? 0;
            return test.state === "failed";
          });
          if (!first) {
            missed++;
            continue;
          }
          const message = first.errors[0]?.message ?? "";
          const seen = /first seen in repetition (\d+)/.exec(message)?.[1];
          caught.push({
            repetitions: seen === undefined ? undefined : Number(seen) + 1,
            ms,
            test: first.name,
            error: first.errors[0]?.name ?? "failed",
          });
        }
        const reps = caught.flatMap((c) => (c.repetitions === undefined ? [] : [c.repetitions]));
        if (reps.length > 0 && mode.name === "stress")
          measurements.push(measurement(metric, REPETITIONS, "reps", "lower", reps));
        if (caught.length > 0)
          measurements.push(
            measurement(
              metric,
              `${TIME} (${mode.name})`,
              "ms",
              "lower",
              caught.map((c) => c.ms),
            ),
          );
        const kinds = new Map<string, number>();
        for (const c of caught)
          kinds.set(`${c.error} in "${c.test}"`, (kinds.get(`${c.error} in "${c.test}"`) ?? 0) + 1);
        const how = [...kinds].map(([kind, count]) => `${kind} ×${count}`).join(", ");
        notes.push(
          `${metric} (${mode.name}): caught ${caught.length}/${runs}${how ? ` by ${how}` : ""}${missed ? `; MISSED ${missed}×` : ""}`,
        );
        progress(`  ${notes[notes.length - 1]}`);
      }
    }
  }
  return {
    name: "detection",
    title: `harness detection power: known-wrong answers, median (best–worst) over ${runs} runs`,
    subjects: [`${TIME} (explore)`, `${TIME} (stress)`, REPETITIONS],
    measurements,
    ratios: [],
    notes: [
      ...notes,
      "repetitions: the repetition of the first failing test in which the forbidden outcome was first seen (none for a deadlock or a broken rule)",
    ],
  };
}
