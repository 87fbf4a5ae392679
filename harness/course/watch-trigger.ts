// Watch mode and the kata files. The learner's code reaches the test threads through the harness's
// bundler, not through vite's module graph, so on its own vitest does not know that saving
// katas/02-lock/lock.ts concerns katas/02-lock/lock.test.ts, and re-runs nothing. This tells it.

import { readdirSync } from "node:fs";
import path from "node:path";
import { repositoryRoot } from "../engine/under-test.ts";

export const kataWatchTrigger = {
  pattern: /katas\/(\d\d-[^/]+)\/[^/]+\.ts$/,
  testsToRun(_file: string, match: RegExpMatchArray): string[] | undefined {
    const slug = match[1]!;
    // `npm run kata -- watch 02` names its kata: a save elsewhere must not start another kata's suite.
    const watched = process.env.THREADKATA_WATCH;
    if (watched && watched !== slug) return undefined;
    const folder = path.join(repositoryRoot, "katas", slug);
    try {
      return readdirSync(folder)
        .filter((file) => file.endsWith(".test.ts"))
        .map((file) => path.join(folder, file));
    } catch {
      return undefined;
    }
  },
};
