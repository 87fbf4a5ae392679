// What every benchmark shares: how long to measure, the shape of a result, the statistics, the
// table, the JSON. Speed claims live here, never in timed tests.

import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { repositoryRoot, shortenPaths } from "../harness/engine/under-test.ts";
import { commandLine, usageExit } from "../scripts/cli.ts";

export interface Options {
  profile: "smoke" | "quick" | "default";
  /** How long one timed run lasts. */
  durationMs: number;
  /** Timed runs per figure (after the warm-up runs); the figure is their median. */
  runs: number;
  warmups: number;
  /** Rounds per latency figure (ping-pong round trips are timed as one run; notify-all is per round). */
  rounds: number;
  /** Contended lock figures: how many workers. */
  lockWorkers: number[];
  /** Whether to measure the lock with four times as many workers as cores. */
  oversubscription: boolean;
  /** Notify-all: how many waiters. */
  waiters: number;
  /** Queue capacities, and producers:consumers pairs. */
  capacities: number[];
  pairs: number[];
}

export const profiles: Record<Options["profile"], Options> = {
  // For the smoke test: proves the benchmarks still run, measures nothing worth reading.
  smoke: {
    profile: "smoke",
    durationMs: 15,
    runs: 1,
    warmups: 0,
    rounds: 3,
    lockWorkers: [2],
    oversubscription: false,
    waiters: 2,
    capacities: [16],
    pairs: [1],
  },
  quick: {
    profile: "quick",
    durationMs: 60,
    runs: 3,
    warmups: 1,
    rounds: 20,
    lockWorkers: [2, 4, 8],
    oversubscription: true,
    waiters: 8,
    capacities: [1, 16, 1024],
    pairs: [1, 2],
  },
  default: {
    profile: "default",
    durationMs: 250,
    runs: 5,
    warmups: 1,
    rounds: 100,
    lockWorkers: [2, 4, 8],
    oversubscription: true,
    waiters: 8,
    capacities: [1, 16, 1024],
    pairs: [1, 2],
  },
};

/** One figure: a metric of one subject, from several runs. */
export interface Measurement {
  metric: string;
  subject: string;
  unit: string;
  /** Which way is better: ratios are oriented so that above 1 means the first subject is better. */
  better: "higher" | "lower";
  samples: number[];
  median: number;
  min: number;
  max: number;
  /** A second figure shown beside the first (fairness: the largest share beside the smallest). */
  high?: { samples: number[]; median: number };
}

export interface Ratio {
  metric: string;
  of: string;
  to: string;
  /** Above 1: `of` is better than `to`. */
  ratio: number;
  target?: { wanted: string; met: boolean };
}

export interface SectionResult {
  name: string;
  title: string;
  subjects: string[];
  measurements: Measurement[];
  ratios: Ratio[];
  /** Subjects skipped or broken, and anything the reader needs to read the figures right. */
  notes: string[];
}

export interface Machine {
  cpus: number;
  cpuModel: string;
  node: string;
  v8: string;
  platform: string;
  loadAverage: number[];
}

export interface BenchResult {
  kind: "threadkata-bench";
  version: 1;
  started: string;
  machine: Machine;
  options: Options;
  sections: SectionResult[];
}

export function machine(): Machine {
  return {
    cpus: os.availableParallelism?.() ?? os.cpus().length,
    cpuModel: os.cpus()[0]?.model.trim() ?? "unknown",
    node: process.version,
    v8: process.versions.v8,
    platform: `${process.platform} ${process.arch}`,
    loadAverage: os.loadavg().map((load) => Math.round(load * 100) / 100),
  };
}

export function measurement(
  metric: string,
  subject: string,
  unit: string,
  better: Measurement["better"],
  samples: number[],
): Measurement {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    metric,
    subject,
    unit,
    better,
    samples,
    median: median(sorted),
    min: sorted[0] ?? NaN,
    max: sorted[sorted.length - 1] ?? NaN,
  };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** The ratio of two subjects' medians for one metric, oriented so that above 1 means `of` is better. */
export function ratio(
  section: Pick<SectionResult, "measurements">,
  metric: string,
  of: string,
  to: string,
): Ratio | undefined {
  const a = section.measurements.find((m) => m.metric === metric && m.subject === of);
  const b = section.measurements.find((m) => m.metric === metric && m.subject === to);
  if (!a || !b || !(a.median > 0) || !(b.median > 0)) return undefined;
  return { metric, of, to, ratio: a.better === "higher" ? a.median / b.median : b.median / a.median };
}

/** Runs `measure` warm-up + timed times and keeps the timed results. */
export async function repeat<T>(options: Options, measure: () => Promise<T>): Promise<T[]> {
  for (let i = 0; i < options.warmups; i++) await measure();
  const results: T[] = [];
  for (let i = 0; i < options.runs; i++) results.push(await measure());
  return results;
}

/** Why a subject has no figures: the learner's stub, a file that does not load, a deadlock. */
export function skipNote(subject: string, error: unknown): string {
  const e = error as Error;
  const first = shortenPaths(e.message ?? String(e))
    .split("\n")
    .filter(Boolean)
    .slice(0, 2)
    .join(" ");
  if (e.name === "NotImplementedError") return `${subject}: skipped, not implemented yet (${first})`;
  if (e.name === "BundleError") return `${subject}: skipped, does not load: ${first}`;
  if (e.name === "Stuck") return `${subject}: skipped, stuck: ${first}`;
  return `${subject}: skipped, failed: ${e.name}: ${first}`;
}

// ---- printing ----

function significant(value: number): string {
  if (!Number.isFinite(value)) return "–";
  const abs = Math.abs(value);
  if (abs >= 100) return value.toFixed(0);
  if (abs >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

/** Numbers at a readable scale: 11.9 M ops/s, 41 ns, 3.2 µs. */
export function scaled(value: number, unit: string): string {
  if (unit === "ops/s" || unit === "items/s") {
    if (value >= 1e6) return `${significant(value / 1e6)} M`;
    if (value >= 1e3) return `${significant(value / 1e3)} k`;
  }
  if (unit === "ns") {
    if (value >= 1e6) return `${significant(value / 1e6)} ms`;
    if (value >= 1e3) return `${significant(value / 1e3)} µs`;
    return `${significant(value)} ns`;
  }
  if (unit === "%") return `${value.toFixed(0)}%`;
  if (unit === "ms") return `${value.toFixed(0)} ms`;
  if (unit === "reps") return value.toFixed(0);
  return `${significant(value)}`;
}

function cell(m: Measurement | undefined): string {
  if (!m) return "–";
  if (m.high) return `${scaled(m.median, m.unit)}–${scaled(m.high.median, m.unit)}`;
  const spread = m.samples.length > 1 ? ` (${scaled(m.min, m.unit)}–${scaled(m.max, m.unit)})` : "";
  return `${scaled(m.median, m.unit)}${spread}`;
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? "").length)));
  return rows
    .map((row) =>
      row
        .map((text, column) => (column === 0 ? text.padEnd(widths[column]!) : text.padStart(widths[column]!)))
        .join("   ")
        .trimEnd(),
    )
    .join("\n");
}

export function formatMachine(m: Machine): string {
  return `machine: ${m.cpus} cores, ${m.cpuModel}, Node ${m.node} (V8 ${m.v8}), ${m.platform}, load ${m.loadAverage.join(" ")}`;
}

export function formatSection(section: SectionResult): string {
  const lines = [`== ${section.title}`];
  if (section.measurements.length > 0) {
    const metrics = [...new Set(section.measurements.map((m) => m.metric))];
    const unitsOf = (metric: string) =>
      new Set(section.measurements.filter((m) => m.metric === metric).map((m) => m.unit));
    const rows = [["", ...section.subjects]];
    for (const metric of metrics) {
      const units = [...unitsOf(metric)];
      const unit = units[0]!;
      const label = units.length > 1 || unit === "%" || unit === "ns" ? metric : `${metric} (${unit})`;
      rows.push([
        label,
        ...section.subjects.map((subject) =>
          cell(section.measurements.find((m) => m.metric === metric && m.subject === subject)),
        ),
      ]);
    }
    lines.push(table(rows));
  }
  if (section.ratios.length > 0) {
    lines.push("ratios (above 1: the first is better; from this run):");
    for (const r of section.ratios) {
      const target = r.target ? `   target ${r.target.wanted}: ${r.target.met ? "met" : "NOT met"}` : "";
      lines.push(`  ${r.metric}: ${r.of} / ${r.to} = ${r.ratio.toFixed(2)}×${target}`);
    }
  }
  for (const note of section.notes) lines.push(`  note: ${note}`);
  return lines.join("\n");
}

export function formatResult(result: BenchResult): string {
  const header = `threadkata bench, ${result.options.profile} (${result.options.runs} runs of ${result.options.durationMs} ms after ${result.options.warmups} warm-up; median (min–max))`;
  return [header, formatMachine(result.machine), "", ...result.sections.map((s) => formatSection(s) + "\n")].join("\n");
}

export function newResult(options: Options, sections: SectionResult[] = []): BenchResult {
  return {
    kind: "threadkata-bench",
    version: 1,
    started: new Date().toISOString(),
    machine: machine(),
    options,
    sections,
  };
}

/** Writes .threadkata/bench/<ISO timestamp>.json and returns its path. */
export function save(result: BenchResult): string {
  const folder = path.join(repositoryRoot, ".threadkata", "bench");
  mkdirSync(folder, { recursive: true });
  const file = path.join(folder, `${result.started.replace(/:/g, "-")}.json`);
  writeFileSync(file, JSON.stringify(result, null, 2) + "\n");
  return file;
}

// ---- one bench file on its own: npx tsx bench/02-lock.bench.ts [--quick] [--json] ----

/** The command line of `npm run bench` (and of one bench file run alone, which takes no words). */
export const benchLine = {
  usage:
    "npm run bench -- [--quick] [--json] [--no-save] [katas...] | compare a.json b.json | detection [--runs N] [--kata NN]",
  help: `
Measures the references against your answers and against baselines, side by side in one run,
prints a table of medians per kata and saves the run as .threadkata/bench/<timestamp>.json.

  katas...                 only these katas' sections (02, 02-lock, lock)
  --quick                  short runs: a smoke test, noisy figures
  --json                   print the JSON instead of the table
  --no-save                do not save the run
  --duration MS            how long each measured run lasts
  compare a.json b.json    the ratios between two saved runs
  detection [--runs N] [--kata NN]   how fast the suites catch the known-wrong answers (see bench/README.md)`,
  options: {
    quick: { type: "boolean", default: false },
    smoke: { type: "boolean", default: false },
    json: { type: "boolean", default: false },
    "no-save": { type: "boolean", default: false },
    runs: { type: "string" },
    kata: { type: "string" },
    duration: { type: "string" },
  },
} as const;

export function optionsFromArgs(
  args: string[],
  words?: (words: string[]) => string | undefined,
): {
  options: Options;
  json: boolean;
  save: boolean;
  positionals: string[];
  values: Record<string, string | boolean | undefined>;
} {
  const { values, positionals } = commandLine(args, { ...benchLine, words });
  for (const name of ["duration", "runs"] as const) {
    const value = values[name];
    if (value !== undefined && !(Number(value) > 0))
      usageExit(benchLine, `--${name} wants a number above 0; got "${value}"`);
  }
  const options = { ...profiles[values.smoke ? "smoke" : values.quick ? "quick" : "default"] };
  if (values.duration) options.durationMs = Number(values.duration);
  return { options, json: values.json === true, save: values["no-save"] !== true, positionals, values };
}

export type Bench = (options: Options) => Promise<SectionResult>;

/** Runs one bench file as a program: prints its table (or JSON), saves the JSON. */
export async function runAlone(bench: Bench): Promise<void> {
  const { options, json, save: keep } = optionsFromArgs(process.argv.slice(2));
  const result = newResult(options, [await bench(options)]);
  const file = keep ? save(result) : undefined;
  console.log(json ? JSON.stringify(result, null, 2) : formatResult(result));
  if (file && !json) console.log(`saved ${path.relative(process.cwd(), file)}`);
}

/** Whether the module is the program being run (`npx tsx bench/02-lock.bench.ts`), not imported. */
export function isMain(moduleUrl: string): boolean {
  return moduleUrl === pathToFileURL(process.argv[1] ?? "").href;
}
