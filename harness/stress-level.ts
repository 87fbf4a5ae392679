// How hard the harness pushes: one environment variable for the repetitions, one for the deadline.
//
//   THREADKATA_STRESS=quick|default|heavy|soak   repetitions and time budget per test
//   THREADKATA_DEADLINE_MS=2000                  how long without progress counts as stuck
//   THREADKATA_SEED=0x1234abcd                   the seed for the harness's random choices

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
  const name = env.THREADKATA_STRESS || "default";
  const level = levels[name];
  if (!level) throw new Error(`THREADKATA_STRESS must be one of ${Object.keys(levels).join(", ")}; got "${name}"`);
  return level;
}

export function deadlineMs(env: NodeJS.ProcessEnv = process.env): number {
  const value = Number(env.THREADKATA_DEADLINE_MS || 2_000);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`THREADKATA_DEADLINE_MS must be a positive number`);
  return value;
}

export function seedFor(env: NodeJS.ProcessEnv = process.env): number {
  const given = env.THREADKATA_SEED;
  if (given) {
    const seed = Number(given);
    if (!Number.isInteger(seed)) throw new Error(`THREADKATA_SEED must be an integer (0x... or decimal); got "${given}"`);
    return seed >>> 0;
  }
  return (Math.random() * 2 ** 32) >>> 0;
}

export function formatSeed(seed: number): string {
  return `0x${seed.toString(16).padStart(8, "0")}`;
}
