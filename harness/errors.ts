// Errors that kata code throws and learners read. Kata files import them as "#threadkata/errors.ts".

import { fileURLToPath } from "node:url";

/**
 * Thrown by a stub until the learner writes the function.
 * The message names the kata, the function and the file, so a fresh `npm test` reads like a to-do list:
 * "not implemented yet: 02-lock: acquire() in katas/02-lock/lock.ts".
 */
export class NotImplementedError extends Error {
  override name = "NotImplementedError";
  readonly kata: string;
  readonly what: string;

  constructor(kata: string, what: string) {
    const file = callerFile();
    super(`not implemented yet: ${kata}: ${what}${file ? ` in ${file}` : ""}`);
    this.kata = kata;
    this.what = what;
  }
}

/**
 * The stub's file, read from the (source-mapped) stack: the first frame outside this file.
 * It is absolute here; the harness shortens paths inside the repository when it reports.
 */
function callerFile(): string | undefined {
  for (const frame of new Error().stack?.split("\n").slice(1) ?? []) {
    const location = /((?:file:\/\/)?\/[^():]+\.[cm]?ts):\d+:\d+\)?$/.exec(frame.trim())?.[1];
    if (!location || location.endsWith("/harness/errors.ts")) continue;
    return location.startsWith("file://") ? fileURLToPath(location) : location;
  }
  return undefined;
}

/** Python's threading.BrokenBarrierError: the barrier was aborted, reset, or a wait timed out. */
export class BrokenBarrierError extends Error {
  override name = "BrokenBarrierError";
}
