// The control block: shared memory through which the conductor (the test's main thread) and the
// actors (worker threads) see each other, without messages. Both sides import this layout.

/** Words shared by all actors. */
export const Word = {
  /** Arrivals at the start line, counted over the whole test (monotonic, never reset). */
  startLine: 0,
  /** Arrivals at the end line, counted the same way. */
  endLine: 1,
  /** Set by the conductor or by an actor that failed: every harness wait gives up. */
  abort: 2,
  /** Repetitions judged by the arbiter: the progress the watchdog looks at. */
  completed: 3,
  /** Raised to repetition + 1 when the first actor's repeatTogether() time is up. */
  togetherEnds: 4,
  /** Raised to repetition + 1 when an actor calls repeatTogether() in that repetition. */
  togetherUsed: 5,
  /** Raised to repetition + 1 when an actor saw another make progress during its repeatTogether(). */
  togetherOverlapped: 6,
  /** Arrivals at ctx.meet(), counted over the whole test (monotonic, never reset). */
  meetings: 7,
  /** Raised to repetition + 1 when an actor had to sleep in ctx.meet(): that meeting was not at one instant. */
  meetSlept: 8,
} as const;

/** Words kept for each actor, from actorBase(actor). */
export const ActorWord = {
  phase: 0,
  repetition: 1,
  /** Index of the label last passed to ctx.at(), or -1. */
  label: 2,
  /** 1 while the actor's own code sits in Atomics.wait. */
  asleep: 3,
  /** How many times the actor's own code entered Atomics.wait (only ever grows). */
  sleeps: 4,
  /** Timeout of the current Atomics.wait in ms, or -1 for none. */
  waitTimeout: 5,
  /** The peer an actor waits for in ctx.untilAsleep(), or -1. */
  waitingFor: 6,
  /** Calls made in repeatTogether(), published every few calls (only ever grows). */
  togetherCalls: 8,
} as const;

export const Phase = {
  idle: 0,
  setup: 1,
  reset: 2,
  startLine: 3,
  running: 4,
  endLine: 5,
  arbiter: 6,
  waitingForPeer: 7,
  finished: 8,
} as const;
export type Phase = (typeof Phase)[keyof typeof Phase];

const sharedWords = 16;
// One 64-byte cache line per actor, so one actor's bookkeeping does not slow another's.
const wordsPerActor = 16;
export const maxActors = 32;
export const controlWords = sharedWords + wordsPerActor * maxActors;

export function actorBase(actor: number): number {
  return sharedWords + wordsPerActor * actor;
}

/** Labels (ctx.at("acquire()")) are interned per actor into fixed slots of a byte buffer. */
export const labelSlots = 64;
export const labelBytes = 96;
export const labelBufferBytes = maxActors * labelSlots * labelBytes;

export function labelOffset(actor: number, slot: number): number {
  return (actor * labelSlots + slot) * labelBytes;
}

export function readLabel(labels: Uint8Array, actor: number, slot: number): string | undefined {
  if (slot < 0 || slot >= labelSlots) return undefined;
  const start = labelOffset(actor, slot);
  const bytes = labels.slice(start, start + labelBytes);
  const end = bytes.indexOf(0);
  return new TextDecoder().decode(bytes.subarray(0, end < 0 ? labelBytes : end));
}
