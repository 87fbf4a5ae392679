// The schedule block: shared memory through which the actor threads of an explored run hand each
// other the turn, and in which every step is recorded for the trace. One thread runs at a time (the
// one holding the turn), so the block needs no lock: each hand-off through Atomics orders it all.

/** Words shared by every actor of an explored run. */
export const Shared = {
  /** Steps taken in this schedule: the trace's length. */
  steps: 0,
  /** The virtual clock, in microseconds since the schedule began. */
  clock: 1,
  /** The actor that took the last step (-1 before the first): a switch away from it while it could go on is a preemption. */
  current: 2,
  /** Preemptions so far in this schedule. */
  preemptions: 3,
  /** Writes to shared memory so far (any actor): a spinning actor waits for the next one. */
  writes: 4,
  /** Order of parking, for notify's FIFO. */
  parkings: 5,
  /** Arrivals at ctx.meet() in this schedule. */
  meetings: 6,
  /** Which policy picks the next actor: Policy. */
  policy: 7,
  /** The seed of this schedule's choices. */
  seed: 8,
  /** Forced choices (a replayed or shrunk schedule) before the policy takes over. */
  forced: 9,
  /** PCT: how many priority change points (depth - 1), then their step numbers from changePoints. */
  changes: 10,
  changePoints: 11, // 11, 12, 13
  /** 1 while the steps' source lines are recorded (the replay of a failing schedule). */
  capture: 14,
  /** Actors still running their part of the schedule. */
  live: 15,
  /** The verdict of the schedule when the scheduler itself ends it: Verdict. */
  verdict: 16,
  /** The most steps a schedule may take before it counts as an endless loop. */
  stepLimit: 17,
  /** Actors in the scenario. */
  parties: 18,
  /** Decisions taken (a step picked by the scheduler): forced choices are counted in these. */
  decisions: 19,
  /** The actors that could have gone at the last decision, one bit each. */
  readyMask: 20,
  /** The last batch actor 0 has finished (the conductor numbers them from 1). */
  batchDone: 21,
  /** Times in a row that time had to pass with nobody ready and no write between: each jump doubles. */
  idleRounds: 22,
  /** Writes at the last such jump. */
  idleWrites: 23,
} as const;

const sharedWords = 32;
const wordsPerActor = 16;
export const maxExploredActors = 8;

/** Words kept for each actor, from actorWords(actor). */
export const Mine = {
  /** What the actor is doing: Status. */
  status: 0,
  /** Bumped to hand this actor the turn; it sleeps on this word until then. */
  turn: 1,
  /** The word it is parked on (its index in the scenario's memory), while parked. */
  parkedOn: 2,
  /** The virtual time its wait times out, or -1 for never. */
  deadline: 3,
  /** Its place in the order of parking (notify wakes the oldest first). */
  parkedAt: 4,
  /** How the wait ended: Wake. */
  woken: 5,
  /** Shared writes seen at its last step, and steps since without a new one: a spin. */
  writesSeen: 6,
  quietSteps: 7,
  /** What it waits for while blocked in the harness (a meeting's target, a peer's index). */
  waitsFor: 8,
  /** PCT priority: the highest enabled actor goes. */
  priority: 9,
  /** Times it slept in Atomics.wait (ctx.sleeps()). */
  sleeps: 10,
  /** The label (ctx.at) it is under, or -1. */
  label: 11,
  /** Steps since it last saw a new shared write: how long its spin has run, however often it was picked. */
  spunSteps: 12,
  /** 1 if it read the clock since it last saw a write or the clock last jumped: it may be waiting for time. */
  lookedAtClock: 13,
} as const;

export const Status = {
  /** Its part of the schedule is done (or not begun: a fresh block reads so). */
  finished: 0,
  /** Holds the turn and runs its own code until its next step. */
  running: 1,
  /** Stopped at a step, ready to take it when handed the turn. */
  ready: 2,
  /** Asleep in Atomics.wait: a notify or its timeout makes it ready. */
  parked: 3,
  /** Spinning without effect: ready again after the next shared write by anyone. */
  spinning: 4,
  /** In ctx.meet(): ready once every actor has met as often. */
  meeting: 5,
  /** In ctx.untilAsleep(peer): ready once the peer is parked. */
  awaitingSleep: 6,
  /** In ctx.until(condition): ready again after the next shared write (time passing changes nothing). */
  awaitingWrite: 7,
} as const;
export type Status = (typeof Status)[keyof typeof Status];

export const Wake = { none: 0, notified: 1, timedOut: 2 } as const;

export const Policy = {
  /** Any ready actor, each as likely; now and then a sleeper's timeout. */
  random: 0,
  /** Probabilistic concurrency testing: fixed priorities, lowered at a few random steps. */
  pct: 1,
  /** No preemption: the same actor goes on while it can, else the lowest ready one. */
  sequential: 2,
} as const;
export type Policy = (typeof Policy)[keyof typeof Policy];

export const Verdict = { none: 0, deadlock: 1, livelock: 2, endless: 3 } as const;

/** The operations a step can be. */
export const Op = {
  start: 0,
  read: 1,
  write: 2,
  load: 3,
  store: 4,
  add: 5,
  compareExchange: 6,
  wait: 7,
  wake: 8,
  notify: 9,
  call: 10, // a method of a shared array (fill, set, ...)
  finish: 11,
  meet: 12,
  sub: 13,
  and: 14,
  or: 15,
  xor: 16,
  exchange: 17,
  /** A harness wait (ctx.until) picked again after a write: it looks at its condition again. */
  recheck: 18,
} as const;
export type Op = (typeof Op)[keyof typeof Op];

/** Each step of the trace: who, what, where, and the values. */
export const Record = {
  actor: 0,
  op: 1,
  word: 2,
  value: 3,
  extra: 4,
  ready: 5,
  label: 6,
  clock: 7,
  decided: 8,
} as const;
export const wordsPerStep = 9;
export const maxSteps = 100_000;
/** Forced choices: one actor index each. */
export const maxForced = maxSteps;
/** Bytes kept for each step's source line, in the line buffer. */
export const lineBytes = 96;

const forcedBase = sharedWords + wordsPerActor * maxExploredActors;
const traceBase = forcedBase + maxForced;
export const blockWords = traceBase + maxSteps * wordsPerStep;

export const actorWords = (actor: number) => sharedWords + wordsPerActor * actor;
export const forcedWord = (index: number) => forcedBase + index;
export const stepWords = (step: number) => traceBase + step * wordsPerStep;

/** The methods of a shared array a `call` step names, by code (others are -1). */
export const methodNames = ["fill", "set", "copyWithin", "reverse", "sort", "subarray", "slice", "indexOf", "includes"];

/** The word (32-bit index into the shared memory) that element `index` of a view sits in. */
export function wordOf(view: { byteOffset: number; BYTES_PER_ELEMENT: number }, index: number): number {
  return Math.floor((view.byteOffset + index * view.BYTES_PER_ELEMENT) / 4);
}
