// Smoke test: every benchmark still runs and gives figures of the right shape. It asserts no speed:
// speed claims live in `npm run bench`, measured on a quiet machine, never in a test.
//   npx vitest run --config bench/vitest.config.ts

import { describe, expect, test } from "vitest";
import { benchLock } from "./02-lock.bench.ts";
import { benchEvent } from "./05-event.bench.ts";
import { benchCondition } from "./06-condition.bench.ts";
import { benchQueue } from "./08-queue.bench.ts";
import { benchExecutor } from "./13-executor.bench.ts";
import { benchEventLoop } from "./14-event-loop.bench.ts";
import { benchRWLock } from "./16-rwlock.bench.ts";
import { formatSection, newResult, profiles, type Bench, type Options, type SectionResult } from "./core.ts";
import { compare } from "./run.ts";

// Tinier than --smoke: a few hundred milliseconds of measuring in all.
const tiny: Options = { ...profiles.smoke, durationMs: 10, rounds: 2 };

/** The subjects that must have figures: the references and the in-process baselines. */
const required: [string, Bench, string[]][] = [
  ["02-lock", benchLock, ["reference", "spin lock"]],
  ["05-event", benchEvent, ["reference", "Atomics.wait/notify"]],
  ["06-condition", benchCondition, ["reference", "SequenceCondition", "Atomics.wait/notify"]],
  ["08-queue", benchQueue, ["reference", "MessageChannel"]],
  ["13-executor", benchExecutor, ["reference", "piscina", "postMessage"]],
  ["14-event-loop", benchEventLoop, ["inline (the event loop's thread)", "reference"]],
  ["16-rwlock", benchRWLock, ["reference", "TicketLock (toolkit)", "Lock (kata 02 reference)"]],
];

function expectShape(section: SectionResult, subjects: string[]): void {
  expect(section.measurements.length).toBeGreaterThan(0);
  for (const subject of subjects) {
    const figures = section.measurements.filter((m) => m.subject === subject);
    expect(
      figures.length,
      `${section.name}: figures for ${subject} (notes: ${section.notes.join("; ")})`,
    ).toBeGreaterThan(0);
  }
  for (const m of section.measurements) {
    for (const value of [m.median, m.min, m.max, ...m.samples]) {
      expect(Number.isFinite(value) && value > 0, `${section.name}: ${m.metric}, ${m.subject} = ${value}`).toBe(true);
    }
  }
  for (const r of section.ratios) expect(r.ratio).toBeGreaterThan(0);
  expect(formatSection(section)).toContain(section.title);
}

describe("benchmarks (smoke: shape only, no speed)", () => {
  const sections: SectionResult[] = [];

  for (const [name, bench, subjects] of required) {
    test(name, async () => {
      const section = await bench(tiny);
      expectShape(section, subjects);
      sections.push(section);
    });
  }

  test("compare: a run against itself is 1.00× everywhere", () => {
    const run = newResult(tiny, sections);
    const lines = compare(run, run)
      .split("\n")
      .filter((line) => line.trim().endsWith("×"));
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line.trim().endsWith("1.00×")).toBe(true);
  });
});
