// An explored batch, as each actor thread runs it: schedule after schedule, the actor's part is run
// one step at a time under the scheduler (scheduler.ts), and actor 0 resets the state before each
// schedule and judges it after. The actor context keeps its meaning: meet(), until() and
// untilAsleep() become conditions the scheduler waits on; pause() is no longer needed (the schedule
// makes the windows) and repeatTogether() runs its body a few times.

import { parentPort } from "node:worker_threads";
import { Aborted } from "../../engine/aborted.ts";
import { ActorWord, Word, actorBase } from "../../engine/control.ts";
import { Noise, mix } from "../../engine/noise.ts";
import type { ActorMessage } from "../../engine/protocol.ts";
import type { ActorContext, Outcome, Scenario } from "../../scenario.ts";
import { Mine, Policy, Record, Shared, Status, actorWords, forcedWord, maxSteps, stepWords } from "./layout.ts";
import { preparePolicy, type Plan } from "./policy.ts";
import { Scheduler, type Stage } from "./scheduler.ts";
import { harnessWait, harnessNotify } from "./world.ts";

const { load, store } = Atomics;

/** How often repeatTogether() runs its body in a schedule: enough for a race between two calls. */
export const togetherCalls = 3;

/** What the conductor asks of a batch of schedules. */
export interface ExploreOrder {
  /** How many schedules; each one's plan comes from `plans`. */
  count: number;
  /** The plan of each schedule (policy, seed), or one for all. */
  plans: Plan[];
  /** Record the source line of every step (the replay of a failing schedule). */
  capture: boolean;
  /** The most steps a schedule may take. */
  stepLimit: number;
  /** This batch's number in the run, from 1. */
  batch: number;
  /** The batch ends after the schedule that brings its steps to this many (a bound the same in every run). */
  stepBudget: number;
  /** Send back each schedule's decisions and who could have gone at each (the exhaustive search's tree). */
  collect?: boolean;
}

/** One schedule's decisions, and at each the actors that could have gone (a bit each). */
export interface Decisions {
  actors: number[];
  ready: number[];
}

export interface ExploredJob {
  scenario: Scenario;
  state: unknown;
  params: unknown;
  control: Int32Array;
  actor: number;
  parties: number;
  seed: number;
  run: number;
  /** A new schedule starts with no lock waited for or held (the deadlock report reads these). */
  forgetLocks(): void;
}

/** The stress mode's context, for what does not change: labels, the actor's number. */
export interface LabelledContext {
  at(label: string): void;
}

export class ExploreContext implements ActorContext {
  repetition = 0;
  noise = new Noise(0);

  constructor(
    private readonly job: Pick<ExploredJob, "actor" | "params" | "control">,
    private readonly labels: LabelledContext,
    private readonly scheduler: Scheduler,
  ) {}

  get actor(): number {
    return this.job.actor;
  }
  get params(): unknown {
    return this.job.params;
  }
  random(): number {
    return this.noise.random();
  }
  pause(): void {}
  at(label: string): void {
    this.labels.at(label);
    this.scheduler.label(load(this.job.control, actorBase(this.job.actor) + ActorWord.label));
  }
  untilAsleep(peer: number): void {
    this.scheduler.untilAsleep(peer);
  }
  asleep(peer: number): boolean {
    return this.scheduler.asleep(peer);
  }
  until(condition: () => boolean, what: string): void {
    this.at(`waiting until ${what}`);
    for (;;) {
      const since = this.scheduler.writesNow();
      if (condition()) return;
      this.scheduler.awaitWrite(since);
    }
  }
  meet(): void {
    this.scheduler.meet();
  }
  repeatTogether(_micros: number, body: () => void): number {
    for (let call = 0; call < togetherCalls; call++) body();
    return togetherCalls;
  }
  sleeps(): number {
    return this.scheduler.sleeps();
  }
}

/** The schedule block as the conductor and the threads of one explored run share it. */
export interface ExploreBlocks {
  block: SharedArrayBuffer;
  lines: SharedArrayBuffer;
}

export function stageFor(
  blocks: ExploreBlocks,
  control: Int32Array,
  memory: SharedArrayBuffer,
  actor: number,
  parties: number,
): Stage {
  return { block: new Int32Array(blocks.block), lines: new Uint8Array(blocks.lines), control, memory, actor, parties };
}

/**
 * Runs `order.count` schedules. Actor 0 prepares each one (reset, block, policy), the actors take
 * their steps, the last one to finish wakes actor 0, which judges. A forbidden outcome stops the
 * batch there, so that the schedule block still holds that schedule's trace.
 */
export function exploreBatch(
  job: ExploredJob,
  context: ExploreContext,
  scheduler: Scheduler,
  stage: Stage,
  order: ExploreOrder,
): void {
  const b = stage.block;
  const actorFn = job.scenario.actors[job.actor]!;
  const outcomes = new Map<string, { count: number; forbidden?: string; firstRepetition: number }>();
  let failedAt: number | undefined;
  let ran = 0;
  let totalSteps = 0;
  const traces: Decisions[] = [];
  for (let schedule = 0; schedule < order.count; schedule++) {
    const plan = order.plans[schedule % order.plans.length]!;
    // From the schedule's own plan, not the run's place in it: a replay of this schedule alone sees
    // the same repetition and the same numbers.
    context.repetition = plan.repetition;
    context.noise = new Noise(mix(plan.seed, 0, job.actor));
    store(job.control, actorBase(job.actor) + ActorWord.repetition, schedule);
    job.forgetLocks();
    if (job.actor === 0) {
      b[Shared.capture] = order.capture ? 1 : 0;
      if (job.scenario.reset) job.scenario.reset(job.state, job.params);
      prepare(b, job.parties, plan, order.stepLimit);
    } else if (!scheduler.awaitSchedule(order.batch)) break;
    scheduler.begin();
    try {
      const running = actorFn(job.state, context);
      if (running instanceof Promise)
        throw new Error(
          `${job.scenario.proves ?? "this scenario"}: an actor that awaits cannot be explored step by step; mark the scenario explore: false`,
        );
    } catch (error) {
      scheduler.leave();
      throw error;
    }
    scheduler.finish();
    ran++;
    if (job.actor !== 0) continue;
    awaitEveryone(b, job.control);
    totalSteps += b[Shared.steps]!;
    if (order.collect) traces.push(decisionsIn(b));
    const outcome: Outcome = job.scenario.arbiter ? job.scenario.arbiter(job.state, job.params) : { key: "finished" };
    const entry = outcomes.get(outcome.key);
    if (entry) entry.count++;
    else outcomes.set(outcome.key, { count: 1, forbidden: outcome.forbidden, firstRepetition: schedule });
    Atomics.add(job.control, Word.completed, 1);
    if (outcome.forbidden) {
      failedAt = schedule;
      break;
    }
    if (totalSteps >= order.stepBudget) break;
  }
  if (job.actor !== 0) return;
  // The others may be waiting for a schedule that will not come: tell them the batch is over.
  store(b, Shared.batchDone, order.batch);
  for (let actor = 1; actor < job.parties; actor++) harnessNotify(b, actorWords(actor) + Mine.turn);
  post({
    type: "explored",
    outcomes: [...outcomes].map(([key, entry]) => ({ key, ...entry })),
    failedAt,
    schedules: ran,
    steps: b[Shared.steps]!,
    totalSteps,
    ...(order.collect ? { traces } : {}),
    preemptions: b[Shared.preemptions]!,
    run: job.run,
  });
}

/** A fresh schedule: every actor ready at its start, nothing parked, the clock at 0. */
function prepare(b: Int32Array, parties: number, plan: Plan, stepLimit: number): void {
  for (const word of [
    Shared.steps,
    Shared.clock,
    Shared.preemptions,
    Shared.writes,
    Shared.parkings,
    Shared.meetings,
    Shared.verdict,
    Shared.decisions,
    Shared.idleRounds,
  ]) {
    b[word] = 0;
  }
  b[Shared.current] = -1;
  b[Shared.idleWrites] = -1;
  b[Shared.live] = parties;
  b[Shared.parties] = parties;
  b[Shared.stepLimit] = stepLimit;
  for (let actor = 0; actor < parties; actor++) {
    const base = actorWords(actor);
    b[base + Mine.status] = Status.ready;
    b[base + Mine.deadline] = -1;
    b[base + Mine.woken] = 0;
    b[base + Mine.writesSeen] = 0;
    b[base + Mine.quietSteps] = 0;
    b[base + Mine.spunSteps] = 0;
    b[base + Mine.lookedAtClock] = 0;
    b[base + Mine.waitsFor] = 0;
    b[base + Mine.sleeps] = 0;
    b[base + Mine.label] = -1;
  }
  preparePolicy(b, plan, parties);
  const forced = plan.forced ?? [];
  for (let i = 0; i < forced.length && i < maxSteps; i++) b[forcedWord(i)] = forced[i]!;
  b[Shared.forced] = Math.min(forced.length, maxSteps);
}

function decisionsIn(b: Int32Array): Decisions {
  const actors: number[] = [];
  const ready: number[] = [];
  const steps = Math.min(b[Shared.steps]!, maxSteps);
  for (let step = 0; step < steps; step++) {
    const base = stepWords(step);
    if (b[base + Record.decided] !== 1) continue;
    actors.push(b[base + Record.actor]!);
    ready.push(b[base + Record.ready]!);
  }
  return { actors, ready };
}

/** Actor 0, done with its part, waits for the last actor to finish theirs. */
function awaitEveryone(b: Int32Array, control: Int32Array): void {
  for (;;) {
    const live = load(b, Shared.live);
    if (live === 0) return;
    if (load(control, Word.abort) !== 0) throw new Aborted();
    harnessWait(b, Shared.live, live, 20);
  }
}

function post(message: ActorMessage): void {
  parentPort!.postMessage(message);
}

export { Policy };
