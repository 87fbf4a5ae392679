// npm run bench: every kata's benchmark in one run, one table, saved as JSON for comparing runs.
//
//   npm run bench                          the figures (about 2 minutes on 2 cores)
//   npm run bench -- --quick               short runs: a smoke test, noisy figures
//   npm run bench -- 02 08                 only these katas' sections
//   npm run bench -- --json                print the JSON instead of the table
//   npm run bench -- compare a.json b.json the ratios between two saved runs
//   npm run bench -- detection [--runs N] [--kata 06]   how fast the suites catch the known-wrong answers

import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { benchLock } from "./02-lock.bench.ts";
import { benchEvent } from "./05-event.bench.ts";
import { benchCondition } from "./06-condition.bench.ts";
import { benchQueue } from "./08-queue.bench.ts";
import { benchExecutor } from "./13-executor.bench.ts";
import { benchEventLoop } from "./14-event-loop.bench.ts";
import { benchRWLock } from "./16-rwlock.bench.ts";
import { usageExit } from "../scripts/cli.ts";
import { exitOnBadSettings } from "../harness/engine/settings.ts";
import {
  benchLine,
  formatMachine,
  formatSection,
  isMain,
  newResult,
  optionsFromArgs,
  save,
  type Bench,
  type BenchResult,
  type SectionResult,
} from "./core.ts";
import { benchDetection } from "./detection.ts";

export const benches: { slug: string; bench: Bench }[] = [
  { slug: "02-lock", bench: benchLock },
  { slug: "05-event", bench: benchEvent },
  { slug: "06-condition", bench: benchCondition },
  { slug: "08-queue", bench: benchQueue },
  { slug: "13-executor", bench: benchExecutor },
  { slug: "14-event-loop", bench: benchEventLoop },
  { slug: "16-rwlock", bench: benchRWLock },
];

function matches(slug: string, wanted: string[]): boolean {
  return (
    wanted.length === 0 ||
    wanted.some((w) => slug === w || slug.startsWith(w.padStart(2, "0")) || slug.slice(3).startsWith(w))
  );
}

async function main(): Promise<void> {
  exitOnBadSettings();
  const {
    options,
    json,
    save: keep,
    positionals,
    values,
  } = optionsFromArgs(process.argv.slice(2), (words) => {
    const [verb, ...rest] = words;
    if (verb === "compare") {
      if (rest.length !== 2) return "compare wants two saved runs";
      const missing = rest.find((file) => !existsSync(file));
      return missing ? `compare: there is no file ${missing}` : undefined;
    }
    if (verb === "detection")
      return rest.length > 0 ? `detection takes no words (it has --runs N and --kata NN); got '${rest[0]}'` : undefined;
    const unknown = words.find((word) => !benches.some(({ slug }) => matches(slug, [word])));
    return unknown
      ? `no benchmark matches '${unknown}': there are ${benches.map(({ slug }) => slug).join(", ")}`
      : undefined;
  });
  const [verb, ...rest] = positionals;

  if (verb === "compare") {
    console.log(compare(load(rest[0]!), load(rest[1]!)));
    return;
  }

  const result = newResult(options);
  const log = (line: string) => {
    if (!json) console.log(line);
  };
  if (verb === "detection") {
    const runs = Number(values.runs ?? 20);
    log(formatMachine(result.machine));
    log(`detection: each known-wrong answer's suite, ${runs} runs${values.kata ? `, kata ${values.kata}` : ""}`);
    result.sections.push(await benchDetection(runs, values.kata as string | undefined, log));
    log("");
    log(formatSection(result.sections[0]!));
  } else {
    const wanted = positionals;
    log(
      `threadkata bench, ${options.profile}: ${options.runs} runs of ${options.durationMs} ms after ${options.warmups} warm-up`,
    );
    log(formatMachine(result.machine));
    log("");
    for (const { slug, bench } of benches) {
      if (!matches(slug, wanted)) continue;
      const section = await bench(options);
      result.sections.push(section);
      log(formatSection(section) + "\n");
    }
  }
  const file = keep ? save(result) : undefined;
  if (json) console.log(JSON.stringify(result, null, 2));
  else if (file)
    console.log(
      `saved ${path.relative(process.cwd(), file)}   compare two runs: npm run bench -- compare <a.json> <b.json>`,
    );
}

function load(file: string): BenchResult {
  let result: BenchResult | undefined;
  try {
    result = JSON.parse(readFileSync(file, "utf8")) as BenchResult;
  } catch {
    // not JSON: said below
  }
  if (result?.kind !== "threadkata-bench")
    usageExit(benchLine, `compare: ${file} is not a saved bench run (.threadkata/bench/*.json)`);
  return result;
}

/** B against A, figure by figure: above 1 means B is better (faster, or more items). */
export function compare(a: BenchResult, b: BenchResult): string {
  const lines = [
    `A: ${a.started}  ${formatMachine(a.machine)}`,
    `B: ${b.started}  ${formatMachine(b.machine)}`,
    "B / A (above 1: B is better):",
  ];
  for (const sectionB of b.sections) {
    const sectionA = a.sections.find((s) => s.name === sectionB.name);
    if (!sectionA) continue;
    lines.push(`== ${sectionB.title}`);
    for (const mb of sectionB.measurements) {
      const ma = sectionA.measurements.find((m) => m.metric === mb.metric && m.subject === mb.subject);
      if (!ma || !(ma.median > 0) || !(mb.median > 0) || mb.high) continue;
      const ratio = mb.better === "higher" ? mb.median / ma.median : ma.median / mb.median;
      lines.push(`  ${`${mb.metric}, ${mb.subject}`.padEnd(64)} ${ratio.toFixed(2)}×`);
    }
  }
  return lines.join("\n");
}

if (isMain(import.meta.url)) await main();
