// How hard the harness pushes: one environment variable for the repetitions, one for the deadline.
//
//   THREADKATA_STRESS=quick|default|heavy|soak   repetitions and time budget per test
//   THREADKATA_DEADLINE_MS=2000                  how long without progress counts as stuck
//   THREADKATA_SEED=0x1234abcd                   the seed for the harness's random choices
//
// settings.ts checks the values (a run checks them all before its first test).

import { checkSetting, parseSeed } from "./settings.ts";

export interface StressLevel {
  name: string;
  /** Multiplies each scenario's default repetitions. */
  factor: number;
  /** Wall-clock budget per test: past it, the test stops repeating and passes on what it ran. */
  budgetMs: number;
}

const levels: Record<string, StressLevel> = {
  quick: { name: "quick", factor: 0.2, budgetMs: 1_000 },
  default: { name: "default", factor: 1, budgetMs: 5_000 },
  heavy: { name: "heavy", factor: 10, budgetMs: 30_000 },
  soak: { name: "soak", factor: 100, budgetMs: 300_000 },
};

export function stressLevel(env: NodeJS.ProcessEnv = process.env): StressLevel {
  return levels[checkSetting("THREADKATA_STRESS", env) ?? "default"]!;
}

export function deadlineMs(env: NodeJS.ProcessEnv = process.env): number {
  return Number(checkSetting("THREADKATA_DEADLINE_MS", env) ?? 2_000);
}

export function seedFor(env: NodeJS.ProcessEnv = process.env): number {
  const given = checkSetting("THREADKATA_SEED", env);
  return given === undefined ? (Math.random() * 2 ** 32) >>> 0 : parseSeed(given)!;
}

export function formatSeed(seed: number): string {
  return `0x${seed.toString(16).padStart(8, "0")}`;
}
