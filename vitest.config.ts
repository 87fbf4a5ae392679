import { defineConfig } from "vitest/config";
import { KataSequencer } from "./harness/course/sequencer.ts";
import { kataWatchTrigger } from "./harness/course/watch-trigger.ts";
import { exitOnBadSettings } from "./harness/engine/settings.ts";
import { cleanLeftovers, cleanLeftoversAtExit } from "./harness/engine/temp.ts";

// Before any test: a bad THREADKATA_* value stops the run with one line (exit code 2), and the
// temporary files of a run that was killed are removed; at the end (Ctrl-C too), this run's.
exitOnBadSettings();
cleanLeftovers();
cleanLeftoversAtExit();

export default defineConfig({
  test: {
    // The learner's run: the katas. The harness's own tests run in the self-check (npm run verify).
    include: ["katas/**/*.test.ts"],
    // The actors want the cores to themselves: one suite at a time, in catalogue order.
    fileParallelism: false,
    // The suites' own code (the conductor) keeps no state between files, and the learner's code
    // runs in worker threads the harness starts: one test process for all files saves a process
    // start and an import of the harness per kata (a third of a fresh clone's `npm test`).
    isolate: false,
    sequence: { sequencer: KataSequencer },
    // The harness has its own deadline (THREADKATA_DEADLINE_MS) and budget; this is a backstop only.
    testTimeout: 120_000,
    hookTimeout: 30_000,
    reporters: ["default", "./harness/course/reporter.ts"],
    // Saving a kata's file re-runs that kata's suite in watch mode (see the file for why it is needed).
    watchTriggerPatterns: [kataWatchTrigger],
  },
});
