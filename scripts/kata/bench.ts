// `npm run kata -- bench NN`: a kata's benchmark is bench/<slug>.bench.ts, run as a script (npm run bench runs them all).

import { existsSync } from "node:fs";
import path from "node:path";
import type { Kata } from "../../katas/catalogue.ts";
import type { KataEnvironment } from "./environment.ts";

export async function bench(env: KataEnvironment, kata: Kata): Promise<number> {
  const file = path.join(env.course.root, "bench", `${kata.slug}.bench.ts`);
  if (!existsSync(file)) {
    env.write(`${kata.slug} has no benchmark yet.\n`);
    return 0;
  }
  return env.runScript(file);
}
