// Every kind of value a thread's code may throw, for the tests of katas 11 and 14 (their jobs.ts
// re-export these): each must come back to the starting thread as it was thrown, an Error with its
// name and message, any other value as itself.

/** An error class of the tests' own (jobs.ts has its twin): its name must travel with it. */
class JobFailed extends Error {
  override name = "JobFailed";
}

/** Every kind of thrown value, made fresh on each call. */
export const thrownValues = {
  string: () => "a string",
  number: () => 42,
  null: () => null,
  undefined: () => undefined,
  object: () => ({ code: 7, reason: "a plain object" }),
  TypeError: () => new TypeError("a TypeError"),
  RangeError: () => new RangeError("a RangeError"),
  JobFailed: () => new JobFailed("a JobFailed"),
} as const;

export type ThrownKind = keyof typeof thrownValues;

/** The cases the tests go through: every kind thrown, and three rejected by an async function. */
export const thrownCases: ReadonlyArray<readonly [ThrownKind, boolean]> = [
  ...(Object.keys(thrownValues) as ThrownKind[]).map((kind) => [kind, false] as const),
  ["string", true],
  ["undefined", true],
  ["TypeError", true],
];

/** Throws the value of `kind`; with `later`, returns a promise that rejects with it after a timer. */
export function throwValue(kind: ThrownKind, later: boolean): void | Promise<void> {
  if (!later) throw thrownValues[kind]();
  return new Promise((_, reject) => setTimeout(() => reject(thrownValues[kind]()), 1));
}
