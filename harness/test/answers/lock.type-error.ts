// BAD ANSWER, KEPT FOR THE SELF-CHECK: 02-lock's reference, right in every test, with one type error.
// The run must say "passes, but has 1 type error" and count the kata as not solved. (tsconfig.json
// leaves this file out, so that `npx tsc` stays clean.)

export * from "../../../solutions/02-lock/lock.ts";

/** How many threads may hold the lock at once. */
export const holders: number = "one";
