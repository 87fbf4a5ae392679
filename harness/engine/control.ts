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
  /** Set to 1 when the actor, after a failure, is back to waiting for work (reusable). */
  settled: 7,
  /** Calls made in repeatTogether(), published every few calls (only ever grows). */
  togetherCalls: 8,
  /** The lock this actor waits for (lockId), or 0: see lock-observer.ts. */
  lockWaited: 9,
  /** How many locks this actor holds; the first `heldLockSlots` are in heldLocks. */
  locksHeld: 10,
  /** lockIds of held locks, from this word on: heldLockSlots words. */
  heldLocks: 11,
} as const;

/** How many held locks each actor records by name; more are counted ("and 2 more"). */
export const heldLockSlots = 4;

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
const actorLabelBytes = maxActors * labelSlots * labelBytes;

/**
 * Lock names (nameLock(lock, "account 3")) follow the labels in the same buffer: per actor,
 * `lockNameSlots` entries of an Int32 lockId and the name's bytes. Each actor writes only its own.
 */
export const lockNameSlots = 32;
export const lockNameBytes = 64;
export const labelBufferBytes = actorLabelBytes + maxActors * lockNameSlots * lockNameBytes;

export function lockNameOffset(actor: number, slot: number): number {
  return actorLabelBytes + (actor * lockNameSlots + slot) * lockNameBytes;
}

/**
 * A lock's id: 1 + its word index in the scenario's shared memory, or 0 if it lives elsewhere
 * (then the harness cannot tell it apart from another thread's lock, and does not record it).
 */
export function lockId(lock: Int32Array, memory: SharedArrayBuffer | undefined): number {
  return lock.buffer === memory ? lock.byteOffset / Int32Array.BYTES_PER_ELEMENT + 1 : 0;
}

/** The name a scenario gave the lock, or where it sits in the shared memory. */
export function readLockName(labels: Uint8Array, actors: number, id: number): string {
  const ids = new Int32Array(labels.buffer, labels.byteOffset, labels.byteLength / Int32Array.BYTES_PER_ELEMENT);
  for (let actor = 0; actor < actors; actor++) {
    for (let slot = 0; slot < lockNameSlots; slot++) {
      const start = lockNameOffset(actor, slot);
      const seen = Atomics.load(ids, start / Int32Array.BYTES_PER_ELEMENT);
      if (seen === 0) break;
      if (seen !== id) continue;
      const bytes = labels.slice(start + 4, start + lockNameBytes);
      const end = bytes.indexOf(0);
      return new TextDecoder().decode(bytes.subarray(0, end < 0 ? bytes.length : end));
    }
  }
  return `the lock at word ${id - 1} of the shared memory`;
}

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
