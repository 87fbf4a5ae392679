// The side of the harness that runs inside each worker thread: it builds the scenario's state,
// waits at the start line, runs its actor, and (on actor 0) resets and judges each repetition.
// It is bundled together with a scenario file and the code under test (see bundle.ts).

import { AsyncLocalStorage } from "node:async_hooks";
import { parentPort } from "node:worker_threads";
import {
  ActorWord,
  Phase,
  Word,
  actorBase,
  heldLockSlots,
  labelBytes,
  labelOffset,
  labelSlots,
  lockId,
  lockNameBytes,
  lockNameOffset,
  lockNameSlots,
  maxActors,
} from "./control.ts";
import { lockObserverKey, type LockObserver } from "../lock-observer.ts";
import { SharedMemory, type ActorContext, type Outcome, type Scenario } from "../scenario.ts";
import { Noise, mix } from "./noise.ts";
import type { ConductorMessage, ActorMessage, SerializedError } from "./protocol.ts";
import { Aborted } from "./aborted.ts";
import { ExploreContext, exploreBatch, stageFor } from "../strategy/explore/actor.ts";
import { nameWords } from "../strategy/explore/names.ts";
import { Scheduler, type Stage } from "../strategy/explore/scheduler.ts";
import { enterWorld, harnessNow, leaveWorld } from "../strategy/explore/world.ts";

/** Looks at which another actor had moved on, for a repeatTogether() repetition to count as run at once (fewer for a slow body). */
const minimumInterleavings = 4;

const realWait = Atomics.wait;
const realNotify = Atomics.notify;

interface Assignment {
  scenario: Scenario;
  params: unknown;
  state: unknown;
  control: Int32Array;
  labels: Uint8Array;
  actor: number;
  parties: number;
  seed: number;
  /** The scenario's shared memory: locks in it are known by their place (lock-observer.ts). */
  memory: SharedArrayBuffer;
  /** Lock ids this actor has named → their slot in the lock-name table. */
  lockNames: Map<number, number>;
  /** The run (test) this assignment belongs to: every message about it carries it. */
  run: number;
  /** An explored run's scheduler and its view of the schedule block. */
  explored?: { scheduler: Scheduler; stage: Stage; context: ExploreContext };
}

let current: Assignment | undefined;
let noise = new Noise(0);

/**
 * The code under test sleeps and wakes through Atomics. The harness wraps both calls in this
 * thread so that (1) the watchdog can tell "asleep in Atomics.wait" from "running", and
 * (2) seeded noise widens the windows where a wrong answer loses a wakeup: a thread may linger
 * a few microseconds after a notify (before its next store) and before it goes to sleep.
 * The semantics of both calls are unchanged.
 *
 * A wait that cannot block is no sleep (ctx.sleeps(), ctx.asleep(), ctx.untilAsleep() judge what a
 * call did, not how): one with a timeout of 0 or less returns at once, and one on a word that no
 * longer holds the expected value returns "not-equal" at once.
 */
function instrumentAtomics(): void {
  Atomics.wait = function wait(typedArray, index, value, timeout) {
    const job = current;
    if (!job) return realWait(typedArray as Int32Array, index, value as number, timeout);
    const base = actorBase(job.actor);
    noise.maybeLinger();
    const blocks = canBlock(typedArray, index, value, timeout);
    if (blocks === "no time") return realWait(typedArray as Int32Array, index, value as number, timeout);
    // The word, read just now, differs: "not-equal" is what the wait would say at this instant.
    if (blocks === "changed") return "not-equal";
    Atomics.store(
      job.control,
      base + ActorWord.waitTimeout,
      timeout === undefined || timeout === Infinity ? -1 : Math.ceil(timeout),
    );
    Atomics.store(job.control, base + ActorWord.asleep, 1);
    Atomics.add(job.control, base + ActorWord.sleeps, 1);
    realNotify(job.control, base + ActorWord.sleeps);
    let result: ReturnType<typeof Atomics.wait> | undefined;
    try {
      return (result = realWait(typedArray as Int32Array, index, value as number, timeout));
    } finally {
      Atomics.store(job.control, base + ActorWord.asleep, 0);
      // The word changed between the read above and the wait: it did not sleep after all.
      if (result === "not-equal") Atomics.sub(job.control, base + ActorWord.sleeps, 1);
    }
  } as typeof Atomics.wait;
  Atomics.notify = function notify(typedArray, index, count) {
    const woken = realNotify(typedArray as Int32Array, index, count);
    if (current) noise.maybeLinger();
    return woken;
  } as typeof Atomics.notify;
}

/**
 * Whether an Atomics.wait with these arguments would block now: "no time" for a timeout of 0 or
 * less (NaN and undefined mean forever), "changed" when the word does not hold the expected value.
 * Arguments it cannot judge (another array type, a bad index) go to the real wait as they are.
 */
function canBlock(
  typedArray: unknown,
  index: unknown,
  value: unknown,
  timeout: unknown,
): "yes" | "no time" | "changed" {
  const ms = timeout === undefined ? Infinity : Number(timeout);
  if (ms <= 0) return "no time";
  if (!(typedArray instanceof Int32Array) || typeof value === "bigint") return "yes";
  try {
    // Atomics.wait compares the word with ToInt32(value); `| 0` is ToInt32.
    return Atomics.load(typedArray, index as number) === (Number(value) | 0) ? "yes" : "changed";
  } catch {
    return "yes";
  }
}

/**
 * The assignment whose locks are recorded now. Once its run is given up (the abort word), the
 * records stay as they were: threads unwinding from the failure (a `finally` that releases a lock)
 * must not erase the deadlock the report is about to describe.
 */
function recording(): Assignment | undefined {
  const job = current;
  return job && Atomics.load(job.control, Word.abort) === 0 ? job : undefined;
}

/**
 * Locks report to this (lock-observer.ts): the actor's words of the control block say which lock
 * it waits for and which it holds, so that the watchdog can name a deadlock's cycle.
 */
const locks: LockObserver = {
  waiting(lock) {
    const job = recording();
    const id = job ? lockId(lock, job.memory) : 0;
    if (id !== 0) Atomics.store(job!.control, actorBase(job!.actor) + ActorWord.lockWaited, id);
  },
  acquired(lock) {
    const job = recording();
    const id = job ? lockId(lock, job.memory) : 0;
    if (id === 0) return;
    const base = actorBase(job!.actor);
    const control = job!.control;
    Atomics.store(control, base + ActorWord.lockWaited, 0);
    const held = Atomics.load(control, base + ActorWord.locksHeld);
    if (held < heldLockSlots) Atomics.store(control, base + ActorWord.heldLocks + held, id);
    Atomics.store(control, base + ActorWord.locksHeld, held + 1);
  },
  released(lock) {
    const job = recording();
    const id = job ? lockId(lock, job.memory) : 0;
    if (id === 0) return;
    const base = actorBase(job!.actor);
    const control = job!.control;
    Atomics.store(control, base + ActorWord.lockWaited, 0); // a failed try is over once it lets go
    const held = Atomics.load(control, base + ActorWord.locksHeld);
    if (held === 0) return; // taken before this repetition's records began
    const recorded = Math.min(held, heldLockSlots);
    // Locks need not be released in the order they were taken: move the last recorded one into the gap.
    for (let slot = 0; slot < recorded; slot++) {
      if (Atomics.load(control, base + ActorWord.heldLocks + slot) !== id) continue;
      const last = Atomics.load(control, base + ActorWord.heldLocks + recorded - 1);
      Atomics.store(control, base + ActorWord.heldLocks + slot, last);
      Atomics.store(control, base + ActorWord.heldLocks + recorded - 1, 0);
      break;
    }
    Atomics.store(control, base + ActorWord.locksHeld, held - 1);
  },
  name(lock, name) {
    const job = current;
    const id = job ? lockId(lock, job.memory) : 0;
    if (id === 0) return;
    let slot = job!.lockNames.get(id);
    if (slot === undefined) {
      if (job!.lockNames.size >= lockNameSlots) return;
      slot = job!.lockNames.size;
      job!.lockNames.set(id, slot);
    }
    const start = lockNameOffset(job!.actor, slot);
    const encoded = new TextEncoder().encode(name).subarray(0, lockNameBytes - 5);
    job!.labels.fill(0, start + 4, start + lockNameBytes);
    job!.labels.set(encoded, start + 4);
    Atomics.store(new Int32Array(job!.labels.buffer), start / Int32Array.BYTES_PER_ELEMENT, id);
  },
};

/** A new repetition starts with no lock waited for or held. */
function forgetLocks(job: Assignment): void {
  const base = actorBase(job.actor);
  Atomics.store(job.control, base + ActorWord.lockWaited, 0);
  Atomics.store(job.control, base + ActorWord.locksHeld, 0);
  for (let slot = 0; slot < heldLockSlots; slot++) Atomics.store(job.control, base + ActorWord.heldLocks + slot, 0);
}

export class Context implements ActorContext {
  repetition = 0;
  private meetings = 0;
  private readonly base: number;
  private readonly labelIndex = new Map<string, number>();
  private sharedSlotLabel: string | undefined;

  constructor(private readonly job: Assignment) {
    this.base = actorBase(job.actor);
  }

  get actor(): number {
    return this.job.actor;
  }
  get params(): unknown {
    return this.job.params;
  }

  random(): number {
    return noise.random();
  }

  pause(maxMicros = 5): void {
    noise.spin(maxMicros);
  }

  at(label: string): void {
    // Each label has a slot of its own, written once; past the first labelSlots - 1, every label
    // shares the last slot, which is written again whenever the label in it changes.
    let slot = this.labelIndex.get(label);
    if (slot === undefined && this.labelIndex.size < labelSlots - 1) {
      slot = this.labelIndex.size;
      this.labelIndex.set(label, slot);
      this.writeLabel(slot, label);
    }
    if (slot === undefined) {
      slot = labelSlots - 1;
      if (this.sharedSlotLabel !== label) this.writeLabel(slot, label);
      this.sharedSlotLabel = label;
    }
    Atomics.store(this.job.control, this.base + ActorWord.label, slot);
  }

  private writeLabel(slot: number, label: string): void {
    const encoded = new TextEncoder().encode(label).subarray(0, labelBytes - 1);
    const start = labelOffset(this.job.actor, slot);
    this.job.labels.fill(0, start, start + labelBytes);
    this.job.labels.set(encoded, start);
  }

  sleeps(): number {
    return Atomics.load(this.job.control, this.base + ActorWord.sleeps);
  }

  asleep(peer: number): boolean {
    return Atomics.load(this.job.control, actorBase(peer) + ActorWord.asleep) === 1;
  }

  untilAsleep(peer: number): void {
    const control = this.job.control;
    const peerBase = actorBase(peer);
    Atomics.store(control, this.base + ActorWord.waitingFor, peer);
    this.withPhase(Phase.waitingForPeer, () => {
      for (;;) {
        const sleeps = Atomics.load(control, peerBase + ActorWord.sleeps);
        if (Atomics.load(control, peerBase + ActorWord.asleep) === 1) return;
        checkAbort(control);
        realWait(control, peerBase + ActorWord.sleeps, sleeps, 5);
      }
    });
    Atomics.store(control, this.base + ActorWord.waitingFor, -1);
  }

  until(condition: () => boolean, what: string): void {
    this.at(`waiting until ${what}`);
    this.withPhase(Phase.waitingForPeer, () => {
      for (let round = 0; !condition(); round++) {
        checkAbort(this.job.control);
        if (round > 100) realWait(this.job.control, Word.abort, 0, 1);
      }
    });
  }

  meet(): void {
    const target = this.job.parties * ++this.meetings;
    arrive(this.job.control, Word.meetings, target);
    if (awaitCount(this.job.control, Word.meetings, target)) {
      Atomics.store(this.job.control, Word.meetSlept, this.repetition + 1);
    }
  }

  repeatTogether(micros: number, body: () => void): number {
    const control = this.job.control;
    const stamp = this.repetition + 1;
    const published = this.base + ActorWord.togetherCalls;
    Atomics.store(control, Word.togetherUsed, stamp);
    const until = harnessNow() + micros / 1000;
    let calls = 0;
    // How often, looking every 8 calls, another actor had made calls since the last look. Running
    // at once, that is nearly every look; taking turns (a busy machine, the threads on one core in
    // time slices) it is once or twice, at the switches, and the repetition proves nothing: a lost
    // update between two threads that never ran side by side is a matter of luck.
    let peers = this.peersTogetherCalls();
    let interleaved = 0;
    while (Atomics.load(control, Word.togetherEnds) < stamp) {
      body();
      calls++;
      if ((calls & 7) === 0) {
        Atomics.add(control, published, 8);
        const now = this.peersTogetherCalls();
        if (now !== peers) interleaved++;
        peers = now;
        if ((calls & 31) === 0 && harnessNow() >= until) Atomics.store(control, Word.togetherEnds, stamp);
      }
    }
    // A slow body (one that sleeps on a lock, say) gives few looks in the stretch: then half of them.
    const looks = calls >> 3;
    if (interleaved >= Math.min(minimumInterleavings, Math.max(1, looks >> 1)))
      Atomics.store(control, Word.togetherOverlapped, stamp);
    return calls;
  }

  private peersTogetherCalls(): number {
    let sum = 0;
    for (let actor = 0; actor < this.job.parties; actor++) {
      if (actor !== this.job.actor) sum += Atomics.load(this.job.control, actorBase(actor) + ActorWord.togetherCalls);
    }
    return sum;
  }

  private withPhase(phase: Phase, body: () => void): void {
    const word = this.base + ActorWord.phase;
    const before = Atomics.load(this.job.control, word);
    Atomics.store(this.job.control, word, phase);
    try {
      body();
    } finally {
      Atomics.store(this.job.control, word, before);
    }
  }
}

function checkAbort(control: Int32Array): void {
  if (Atomics.load(control, Word.abort) !== 0) throw new Aborted();
}

/**
 * Waits until `word` has counted `target` arrivals; returns whether it had to sleep. Spins first (the peers are usually a few
 * hundred nanoseconds behind on another core), then sleeps, so that more actors than cores still
 * make progress. Every wait loops on its condition: a late or spurious wake-up changes nothing.
 */
function awaitCount(control: Int32Array, word: number, target: number): boolean {
  // Spin for up to 200 µs first: a peer that lost its core for a moment still meets us at one instant.
  const spinUntil = harnessNow() + 0.2;
  let slept = false;
  for (;;) {
    const seen = Atomics.load(control, word);
    if (seen >= target) return slept;
    checkAbort(control);
    if (harnessNow() > spinUntil && realWait(control, word, seen, 50) !== "not-equal") slept = true;
  }
}

/** Arrives at a line counted in `word`; the last one to arrive wakes any sleepers. */
function arrive(control: Int32Array, word: number, target: number): void {
  if (Atomics.add(control, word, 1) + 1 === target) realNotify(control, word);
}

async function runBatch(job: Assignment, context: Context, from: number, count: number): Promise<void> {
  const { control, scenario, parties, actor, params, state } = job;
  const base = actorBase(actor);
  const actorFn = scenario.actors[actor]!;
  const histogram = new Map<string, { count: number; forbidden?: string; firstRepetition: number }>();
  let solo = 0;
  const setPhase = (phase: Phase) => Atomics.store(control, base + ActorWord.phase, phase);

  for (let repetition = from; repetition < from + count; repetition++) {
    context.repetition = repetition;
    noise = new Noise(mix(job.seed, repetition, actor));
    Atomics.store(control, base + ActorWord.repetition, repetition);
    forgetLocks(job);
    if (actor === 0 && scenario.reset) {
      setPhase(Phase.reset);
      current = job;
      scenario.reset(state, params);
      current = undefined;
    }
    setPhase(Phase.startLine);
    const target = parties * (repetition + 1);
    arrive(control, Word.startLine, target);
    awaitCount(control, Word.startLine, target);

    setPhase(Phase.running);
    Atomics.store(control, base + ActorWord.label, -1);
    current = job;
    const running = actorFn(state, context);
    if (running instanceof Promise) await running;
    current = undefined;

    setPhase(Phase.endLine);
    arrive(control, Word.endLine, target);
    if (actor !== 0) continue;
    awaitCount(control, Word.endLine, target);
    setPhase(Phase.arbiter);
    const stamp = repetition + 1;
    // Repetitions whose actors did not really run at once prove nothing: run more instead.
    const tookTurns =
      Atomics.load(control, Word.togetherUsed) === stamp && Atomics.load(control, Word.togetherOverlapped) !== stamp;
    if (tookTurns || Atomics.load(control, Word.meetSlept) === stamp) solo++;
    const outcome: Outcome = scenario.arbiter ? scenario.arbiter(state, params) : { key: "finished" };
    const entry = histogram.get(outcome.key);
    if (entry) entry.count++;
    else histogram.set(outcome.key, { count: 1, forbidden: outcome.forbidden, firstRepetition: repetition });
    Atomics.add(control, Word.completed, 1);
  }
  setPhase(Phase.finished);
  if (actor === 0) {
    post({ type: "batch", solo, outcomes: [...histogram].map(([key, entry]) => ({ key, ...entry })), run: job.run });
  }
}

function setPhaseOf(job: Assignment, phase: Phase): void {
  Atomics.store(job.control, actorBase(job.actor) + ActorWord.phase, phase);
}

function serialize(error: unknown): SerializedError {
  if (error instanceof Error) {
    return {
      name: error.name,
      message: error.message,
      stack: error.stack ?? "",
      rule: error.name === "RuleBroken" || error.name === "AssertionError",
    };
  }
  return { name: "thrown value", message: String(error), stack: "", rule: false };
}

function post(message: ActorMessage): void {
  parentPort!.postMessage(message);
}

/** Which assignment the code running now works for (each message is handled in its own async context). */
const handling = new AsyncLocalStorage<{ assigned: Assignment | undefined }>();

/** Tells the other actors of a run to give up their harness waits: this one failed. */
function abortRun(job: Assignment): void {
  Atomics.store(job.control, Word.abort, 1);
  realNotify(job.control, Word.startLine);
  realNotify(job.control, Word.endLine);
}

/** Starts serving the scenarios of one scenario file in this worker thread. */
export function serve(scenarios: Record<string, unknown>): void {
  instrumentAtomics();
  (globalThis as unknown as Record<symbol, LockObserver>)[lockObserverKey] = locks;
  let context: Context | undefined;
  let job: Assignment | undefined;

  // An error nothing caught (a timer or a promise the code under test left behind) belongs to the
  // run whose code made it: the async context says which, so that a late one is never blamed on a
  // later run (the conductor drops it). The thread reports it rather than die of it.
  const uncaught = (error: unknown) => {
    if (error instanceof Aborted) return; // a harness wait given up after the run failed: nothing to say
    const owner = handling.getStore()?.assigned ?? job;
    if (!owner) throw error;
    abortRun(owner);
    post({ type: "error", actor: owner.actor, error: serialize(error), run: owner.run });
  };
  process.on("uncaughtException", uncaught);
  process.on("unhandledRejection", uncaught);

  parentPort!.on("message", (message: ConductorMessage) =>
    handling.run({ assigned: message.type === "setup" ? undefined : job }, async () => {
      // The assignment this message is about, kept for the catch below: by the time an awaited actor
      // throws, a later setup may have replaced `job`, and its error must not be taken for the new run's.
      const scope = handling.getStore()!;
      let assigned = scope.assigned;
      try {
        if (message.type === "setup") {
          const scenario = scenarios[message.scenario] as Scenario | undefined;
          if (!scenario || scenario.kind !== "scenario") {
            throw new Error(`no scenario named "${message.scenario}" in ${message.file}`);
          }
          if (scenario.actors.length < 1 || scenario.actors.length > maxActors) {
            throw new Error(
              `scenario "${message.scenario}" has ${scenario.actors.length} actors; the harness runs 1 to ${maxActors}`,
            );
          }
          const control = new Int32Array(message.control);
          Atomics.store(control, actorBase(message.actor) + ActorWord.phase, Phase.setup);
          Atomics.store(control, actorBase(message.actor) + ActorWord.waitingFor, -1);
          Atomics.store(control, actorBase(message.actor) + ActorWord.label, -1);
          job = {
            scenario,
            params: message.params,
            state: undefined,
            control,
            labels: new Uint8Array(message.labels),
            actor: message.actor,
            parties: scenario.actors.length,
            seed: message.seed,
            memory: message.memory,
            lockNames: new Map(),
            run: message.run,
          };
          assigned = scope.assigned = job;
          noise = new Noise(mix(message.seed, -1, message.actor));
          // An explored run steps through the views the state makes: the world goes in first.
          if (message.explore) {
            const stage = stageFor(message.explore, control, message.memory, message.actor, scenario.actors.length);
            const explored = job;
            const scheduler = new Scheduler(stage, (halt) => {
              post({
                type: "explored",
                outcomes: [],
                failedAt: explored.explored!.context.repetition,
                schedules: 0,
                steps: 0,
                preemptions: 0,
                verdict: halt.verdict,
                run: explored.run,
              });
            });
            enterWorld(scheduler);
            job.explored = { scheduler, stage, context: undefined! };
          } else leaveWorld();
          current = job;
          job.state = scenario.state(new SharedMemory(message.memory), message.params);
          current = undefined;
          context = new Context(job);
          if (job.explored) job.explored.context = new ExploreContext(job, context, job.explored.scheduler);
          Atomics.store(control, actorBase(message.actor) + ActorWord.phase, Phase.idle);
          post({
            type: "ready",
            actors: scenario.actors.length,
            repetitions: scenario.repetitions,
            ...(job.explored && message.actor === 0
              ? {
                  words: nameWords(job.state, message.memory),
                  // One actor has one schedule: the stress run covers it.
                  explore:
                    scenario.explore === false || scenario.actors.length < 2
                      ? (false as const)
                      : (scenario.explore?.schedules ?? 0),
                }
              : {}),
            run: job.run,
          });
        } else if (message.type === "run") {
          await runBatch(job!, context!, message.from, message.count);
        } else if (message.type === "explore") {
          const { scheduler, stage, context: explored } = job!.explored!;
          const assignment = job!;
          setPhaseOf(assignment, Phase.running);
          current = job;
          try {
            exploreBatch(
              { ...assignment, forgetLocks: () => forgetLocks(assignment) },
              explored,
              scheduler,
              stage,
              message.order,
            );
          } finally {
            current = undefined;
          }
          setPhaseOf(job!, Phase.finished);
        }
      } catch (error) {
        current = undefined;
        // Either way this thread is now back to waiting for work: the conductor may keep it.
        if (assigned) Atomics.store(assigned.control, actorBase(assigned.actor) + ActorWord.settled, 1);
        if (error instanceof Aborted) return;
        if (assigned) abortRun(assigned);
        const run = assigned?.run ?? (message.type === "setup" ? message.run : 0);
        post({
          type: "error",
          actor: assigned?.actor ?? (message.type === "setup" ? message.actor : -1),
          error: serialize(error),
          run,
        });
      }
    }),
  );
  post({ type: "loaded" });
}
