// npm run kata -- <verb> [kata]: see scripts/kata/help.ts, or `npm run kata -- help`.

import { learnerCourse } from "../harness/course/progress.ts";
import { exitOnBadSettings } from "../harness/engine/settings.ts";
import { kataCommand } from "./kata/command.ts";
import { terminalEnvironment } from "./kata/environment.ts";

// Piped into `head` or `less` and closed early: the reader has seen enough, that is not an error.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code !== "EPIPE") throw error;
  process.exit(0);
});

// A bad THREADKATA_* value: one line before anything runs (vitest would say the same, later).
exitOnBadSettings();
process.exitCode = await kataCommand(process.argv.slice(2), terminalEnvironment(learnerCourse));
