// The explore mode, on the test's main thread: tries schedules of a scenario (random walks and PCT
// with depths 2 and 3, from a fixed seed, so that every run tries the same ones), and when one
// fails, shrinks it (fewer preemptions, fewer steps, while it still fails the same way), replays
// it once more recording each step's source line, and fails the test with the timeline and the
// string that replays it: THREADKATA_REPLAY=<string> npm test -- NN.

import { Aborted } from "../../engine/aborted.ts";
import { ActorWord, actorBase, readLabel } from "../../engine/control.ts";
import {
  Deadlock,
  EndlessLoop,
  ForbiddenOutcome,
  KataFailure,
  NotImplementedError,
  ScenarioLoadError,
  WorkerCrashed,
} from "../../report/failures.ts";
import { mix } from "../../engine/noise.ts";
import type { ActorMessage } from "../../engine/protocol.ts";
import type { ActorPool, RunOptions, RunSetup } from "../../engine/pool.ts";
import type { Strategy } from "../strategy.ts";
import type { ExploreBlocks, ExploreOrder } from "./actor.ts";
import {
  Mine,
  Policy,
  Record,
  Shared,
  Status,
  Verdict,
  actorWords,
  blockWords,
  lineBytes,
  maxSteps,
  stepWords,
} from "./layout.ts";
import { lockGraph, type Place } from "../../report/messages.ts";
import { fairAfter, type Plan } from "./policy.ts";
import { timelinePicture } from "./picture.ts";
import {
  decisionsOf,
  parseSchedule,
  preemptionsOf,
  readTrace,
  renderTimeline,
  scheduleString,
  type Step,
} from "./trace.ts";

/** Schedules tried per scenario unless it asks for another number. */
export const defaultSchedules = 200;
const schedulesPerBatch = 40;
/** Sampled schedules tried before the exhaustive search. */
const firstSamples = 30;
/** Steps a test may spend exploring, over all its schedules: a bound the same in every run. */
const stepBudget = 40_000;
const stepLimit = maxSteps;
/** The exhaustive search tries every schedule with at most this many preemptions... */
export const preemptionBound = 2;
/** ...when there are no more than this many of them. */
const exhaustiveSchedules = 1_500;
/** Replays spent making a failing schedule shorter. */
const shrinkBudget = 40;

export interface ExploreReport {
  schedules: number;
  /** Most steps any schedule took. */
  steps: number;
  /** Steps over all the schedules. */
  totalSteps?: number;
  /** Every schedule with at most `preemptionBound` preemptions was tried (and passed). */
  proved?: boolean;
  skipped?: string;
}

type Explored = Extract<ActorMessage, { type: "explored" }>;

interface Attempt {
  answer?: Explored;
  error?: unknown;
  setup?: RunSetup;
  block: Int32Array;
  lines: Uint8Array;
  plans: Plan[];
}

/** What went wrong in a schedule, to tell whether a shorter one fails the same way. */
interface Fault {
  kind: string;
  failure: KataFailure;
  schedule: number;
}

/** The seed of a scenario's schedules: from its name, the same in every run. */
function exploreSeed(scenario: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < scenario.length; i++) hash = Math.imul(hash ^ scenario.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

/** The plan of schedule `index`: random walks, PCT of depth 2 and of depth 3, in turn. */
function planFor(seed: number, index: number, expectedSteps: number): Plan {
  const kind = index % 3;
  return {
    repetition: index,
    policy: kind === 0 ? Policy.random : Policy.pct,
    seed: mix(seed, index, 11),
    depth: kind === 1 ? 2 : 3,
    expectedSteps,
  };
}

/** The explore strategy: the same threads, one shared-memory step at a time under a scheduler. */
export const explore: Strategy<ExploreReport> = {
  drive: (pool, scenario, options, place) => new Explorer(pool, scenario, options, place).run(),
};

export class Explorer {
  private batches = 0;

  constructor(
    private readonly pool: ActorPool,
    private readonly scenario: string,
    private readonly options: RunOptions,
    private readonly place: Place,
  ) {}

  /** Explores the scenario; resolves with what it tried, or rejects with the failing schedule. */
  async run(replay = process.env.THREADKATA_REPLAY): Promise<ExploreReport> {
    const wanted = parseSchedule(replay ?? "");
    if (wanted && wanted.scenario === this.scenario)
      return this.replay(wanted.seed, wanted.repetition, wanted.decisions);
    const seed = exploreSeed(this.scenario);
    const sampling = { tried: 0, spent: 0, most: 0, expectedSteps: 200, total: defaultSchedules };
    // A few samples first: a random walk tends to fail early in a long scenario, and a short
    // failing schedule teaches better than one that fails after thousands of steps.
    const first = await this.sample(seed, sampling, firstSamples, stepBudget / 4);
    if (first) return first;
    // Then every schedule with few preemptions, if there are few enough of them: the answer is then
    // proved for the scenario within that bound, not sampled.
    const search = await this.exhaustive(seed, sampling.tried);
    if (search.skipped) return { schedules: 0, steps: 0, skipped: search.skipped };
    sampling.spent += search.steps;
    // Then samples again, for deeper bugs, with what is left of the budget.
    const rest = await this.sample(seed, sampling, Infinity, stepBudget, search.schedules);
    if (rest) return rest;
    return {
      schedules: sampling.tried + search.schedules,
      steps: Math.max(sampling.most, search.mostSteps),
      totalSteps: sampling.spent,
      proved: search.complete,
    };
  }

  /**
   * Random walks and PCT, from the scenario's seed, until `upTo` more schedules or `budget` steps in
   * all; resolves with a report only when the scenario cannot be explored, rejects on a failure.
   */
  private async sample(
    seed: number,
    state: { tried: number; spent: number; most: number; expectedSteps: number; total: number },
    upTo: number,
    budget: number,
    before = 0,
  ): Promise<ExploreReport | undefined> {
    const stop = Math.min(state.total, state.tried + upTo);
    while (state.tried < stop && state.spent < budget) {
      const count = Math.min(schedulesPerBatch, stop - state.tried);
      const plans = Array.from({ length: count }, (_, i) => planFor(seed, state.tried + i, state.expectedSteps));
      const attempt = await this.attempt(plans, false, budget - state.spent);
      if (attempt.setup?.ready.explore === false)
        return { schedules: 0, steps: 0, skipped: "the scenario cannot be explored" };
      if (typeof attempt.setup?.ready.explore === "number" && attempt.setup.ready.explore > state.total) {
        state.total = attempt.setup.ready.explore;
      }
      const fault = this.faultOf(attempt);
      if (fault) return this.report(fault, attempt, before + state.tried);
      const answer = attempt.answer!;
      state.tried += answer.schedules;
      state.spent += answer.totalSteps ?? answer.steps * answer.schedules;
      state.most = Math.max(state.most, answer.steps);
      state.expectedSteps = Math.max(20, answer.steps);
    }
    return undefined;
  }

  /**
   * The exhaustive search, with a bound on preemptions (as in CHESS and loom): the schedule tree is
   * walked from the schedule without preemption; every decision where another actor could have
   * gone opens a branch, kept if its preemptions stay within the bound. Gives up (incomplete) past
   * `exhaustiveSchedules` schedules or half the step budget; a failing schedule is reported at once.
   */
  private async exhaustive(
    seed: number,
    before: number,
  ): Promise<{ complete: boolean; schedules: number; steps: number; mostSteps: number; skipped?: string }> {
    const base: Plan = {
      policy: Policy.sequential,
      seed: mix(seed, -1, 13),
      depth: 1,
      expectedSteps: 0,
      repetition: 0,
    };
    const frontier: number[][] = [[]];
    let schedules = 0;
    let steps = 0;
    let mostSteps = 0;
    while (frontier.length > 0) {
      if (schedules + frontier.length > exhaustiveSchedules || steps >= stepBudget / 2)
        return { complete: false, schedules, steps, mostSteps };
      // Depth first: the newest branches, so that the frontier stays small.
      const prefixes = frontier.splice(Math.max(0, frontier.length - schedulesPerBatch));
      const attempt = await this.attempt(
        prefixes.map((forced) => ({ ...base, forced })),
        false,
        stepBudget / 2 - steps,
        true,
      );
      if (attempt.setup?.ready.explore === false)
        return { complete: false, schedules, steps, mostSteps, skipped: "the scenario cannot be explored" };
      const fault = this.faultOf(attempt);
      if (fault) return this.report(fault, attempt, before + schedules);
      const answer = attempt.answer!;
      schedules += answer.schedules;
      steps += answer.totalSteps ?? 0;
      mostSteps = Math.max(mostSteps, answer.steps);
      // The batch ran out of steps before its last branches: the tree is too big to walk.
      if (answer.schedules < prefixes.length) return { complete: false, schedules, steps, mostSteps };
      // One push per branch: spreading them into one call would throw past ~100,000 branches.
      (answer.traces ?? []).forEach((trace, k) => {
        for (const branch of branchesOf(trace, prefixes[k]!.length)) frontier.push(branch);
      });
    }
    return { complete: true, schedules, steps, mostSteps };
  }

  /** Runs one batch of schedules in a fresh run of the scenario; never throws a verdict. */
  private async attempt(plans: Plan[], capture: boolean, budget = Infinity, collect = false): Promise<Attempt> {
    const blocks: ExploreBlocks = {
      block: new SharedArrayBuffer(blockWords * Int32Array.BYTES_PER_ELEMENT),
      lines: new SharedArrayBuffer(capture ? maxSteps * lineBytes : lineBytes),
    };
    const block = new Int32Array(blocks.block);
    const lines = new Uint8Array(blocks.lines);
    const order: ExploreOrder = {
      count: plans.length,
      plans,
      capture,
      stepLimit,
      batch: ++this.batches,
      stepBudget: Math.min(budget, 2 ** 31 - 1),
      collect,
    };
    let setup: RunSetup | undefined;
    try {
      setup = await this.pool.setUp(this.scenario, this.options, this.place, blocks);
      if (setup.ready.explore === false) return { setup, block, lines, plans };
      const { actors, watch } = setup;
      const [answer] = await watch.expect(
        actors,
        "explored",
        () => actors.forEach((thread) => thread.send({ type: "explore", order })),
        1,
      );
      const explored = answer as Explored;
      // The scheduler ended it: every other thread is on its way out; let them settle.
      if (explored.verdict) await this.pool.settle(new Aborted());
      return { answer: explored, setup, block, lines, plans };
    } catch (error) {
      await this.pool.settle(error);
      if (error instanceof NotImplementedError || error instanceof ScenarioLoadError || error instanceof WorkerCrashed)
        throw error;
      if (!(error instanceof KataFailure)) throw error;
      return { error, setup, block, lines, plans };
    }
  }

  private faultOf(attempt: Attempt): Fault | undefined {
    const { answer, error, setup } = attempt;
    if (error) {
      const failure = error as KataFailure;
      const schedule = setup ? Atomics.load(setup.control, actorBase(0) + ActorWord.repetition) : 0;
      return { kind: failure.name, failure, schedule };
    }
    if (!answer) return undefined;
    if (answer.verdict) {
      const schedule = answer.failedAt ?? 0;
      const failure = answer.verdict === Verdict.deadlock ? this.deadlock(attempt) : this.endless(attempt);
      return { kind: failure.name, failure, schedule };
    }
    if (answer.failedAt !== undefined) {
      const forbidden = answer.outcomes.find((outcome) => outcome.forbidden)!;
      const footer = `  hints: katas/${this.place.kata}/README.md`;
      return {
        kind: "ForbiddenOutcome",
        failure: new ForbiddenOutcome(`${forbidden.forbidden!}\n${footer}`),
        schedule: answer.failedAt,
      };
    }
    return undefined;
  }

  private deadlock(attempt: Attempt): KataFailure {
    const locks = attempt.setup && lockGraph(attempt.setup.watch);
    const cycles = locks && locks.cycles.length > 0 ? `${locks.cycles.join("\n")}\n` : "";
    const names = new Map(attempt.setup?.ready.words ?? []);
    const lines = Array.from({ length: attempt.setup?.ready.actors ?? 0 }, (_, actor) => {
      const base = actorWords(actor);
      const status = attempt.block[base + Mine.status];
      const label = attempt.setup
        ? readLabel(attempt.setup.labels, actor, attempt.block[base + Mine.label]!)
        : undefined;
      const inside = label ? ` inside ${label}` : "";
      const word = attempt.block[base + Mine.parkedOn]!;
      const state =
        status === Status.parked
          ? `asleep in Atomics.wait on ${names.get(word) ?? `word ${word}`}${inside}, and nobody will notify it`
          : status === Status.finished
            ? "finished"
            : `in the test, ${label ?? "waiting"}, which can no longer happen`;
      return `  actor ${actor}: ${state}${locks?.of(actor) ?? ""}`;
    });
    return new Deadlock(
      [
        `${cycles}every thread still running is asleep in Atomics.wait with no timeout, or waits in the test for a thread that is; nobody is left to wake them: a deadlock or a lost wakeup`,
        ...lines,
        `  hints: katas/${this.place.kata}/README.md`,
      ].join("\n"),
    );
  }

  private endless(attempt: Attempt): KataFailure {
    const steps = attempt.block[Shared.steps]!;
    const minutes = attempt.block[Shared.clock]! / 60e6;
    const recorded = Math.min(steps, maxSteps);
    const last = new Set<number>();
    for (let step = Math.max(0, recorded - 200); step < recorded; step++)
      last.add(attempt.block[stepWords(step) + Record.actor]!);
    const who = [...last].sort().map((actor) => {
      const label = attempt.setup
        ? readLabel(attempt.setup.labels, actor, attempt.block[actorWords(actor) + Mine.label]!)
        : undefined;
      return `actor ${actor}${label ? ` (inside ${label})` : ""}`;
    });
    const what =
      steps >= stepLimit
        ? `a schedule took ${steps} steps without finishing`
        : `a thread spun for ${minutes.toFixed(0)} minutes of virtual time, and nothing it waits for came`;
    const still = who.length > 0 ? `; still taking steps at the end: ${who.join(", ")}` : "";
    return new EndlessLoop(
      `${what}: an endless loop, or threads spinning on words nobody will write (a livelock)${still}\n  hints: katas/${this.place.kata}/README.md`,
    );
  }

  /**
   * A schedule failed: shrink it, replay it recording its lines, and reject with the timeline.
   * Shrinking keeps the same kind of failure; every replay forces the decisions it has and lets
   * the rest run without preemption.
   */
  private async report(fault: Fault, attempt: Attempt, before: number): Promise<never> {
    const plan = attempt.plans[fault.schedule] ?? attempt.plans[0]!;
    const original = readTrace(
      attempt.block,
      attempt.lines,
      attempt.setup?.labels ?? new Uint8Array(0),
      Math.min(attempt.block[Shared.steps]!, maxSteps),
    );
    let best = decisionsOf(original);
    let bestPreemptions = preemptionsOf(original);
    let budget = shrinkBudget;
    const stillFails = async (forced: number[]): Promise<number[] | undefined> => {
      budget--;
      const trial = await this.attempt([{ ...plan, policy: Policy.sequential, forced }], false);
      const again = this.faultOf(trial);
      if (!again || again.kind !== fault.kind) return undefined;
      const steps = readTrace(
        trial.block,
        trial.lines,
        new Uint8Array(0),
        Math.min(trial.block[Shared.steps]!, maxSteps),
      );
      return preemptionsOf(steps) <= bestPreemptions ? decisionsOf(steps) : undefined;
    };
    // The failing schedule itself, forced: if even that does not fail again, show it as it was.
    const reproduced = await stillFails(best);
    if (reproduced) {
      best = reproduced;
      // Cut the forced part short at each preemption in turn: the shortest prefix that still fails.
      const points = preemptionPoints(best, original);
      for (const point of points) {
        if (budget <= 0) break;
        const shorter = await stillFails(best.slice(0, point + 1));
        if (shorter) {
          best = shorter;
          break;
        }
      }
      // Then drop single preemptions: let the thread that was running go on instead.
      for (let i = 1; i < best.length && budget > 0; i++) {
        if (best[i] === best[i - 1]) continue;
        const forced = [...best.slice(0, i), best[i - 1]!];
        const fewer = await stillFails(forced);
        if (fewer && fewer.length <= best.length) {
          const trace = countSwitches(fewer);
          if (trace < countSwitches(best)) best = fewer;
        }
      }
      bestPreemptions = Math.min(bestPreemptions, countSwitches(best));
    }
    const shown = reproduced
      ? await this.attempt([{ ...plan, policy: Policy.sequential, forced: best }], true)
      : attempt;
    const shownFault = (reproduced && this.faultOf(shown)) || fault;
    const steps = readTrace(
      shown.block,
      shown.lines,
      shown.setup?.labels ?? new Uint8Array(0),
      Math.min(shown.block[Shared.steps]!, maxSteps),
    );
    const names = new Map(shown.setup?.ready.words ?? attempt.setup?.ready.words ?? []);
    const parties = shown.setup?.ready.actors ?? attempt.setup?.ready.actors ?? 1;
    const replay = scheduleString(this.scenario, plan.seed, plan.repetition, decisionsOf(steps));
    const how =
      plan.policy === Policy.random
        ? "a random walk"
        : plan.policy === Policy.pct
          ? `PCT, depth ${plan.depth}`
          : `the exhaustive search of the schedules with at most ${preemptionBound} preemptions in their first ${fairAfter} steps`;
    const found = `found by the explore mode in schedule ${before + fault.schedule + 1} (${how}); ${reproduced ? "shrunk to" : "as found:"} ${preemptionsOf(steps)} preemption(s), ${steps.length} steps`;
    const failure = withSchedule(shownFault.failure, [
      `${found}. Each line is one step, in the order they happened; ⇢ marks a switch away from a thread that could have gone on:`,
      renderTimeline(steps, parties, names),
      `  replay this schedule: THREADKATA_REPLAY=${replay} npm test -- ${this.place.kata}`,
    ]);
    failure.picture = timelinePicture(
      steps,
      parties,
      names,
      `${this.place.kata}, ${this.scenario}: ${shownFault.failure.message.split("\n", 1)[0]}`,
    );
    throw failure;
  }

  /** THREADKATA_REPLAY: runs the one schedule it names, with its lines, and fails as it fails. */
  private async replay(seed: number, repetition: number, decisions: number[]): Promise<ExploreReport> {
    const plan: Plan = {
      policy: Policy.sequential,
      seed,
      depth: 1,
      expectedSteps: decisions.length,
      forced: decisions,
      repetition,
    };
    const attempt = await this.attempt([plan], true);
    const fault = this.faultOf(attempt);
    if (!fault) return { schedules: 1, steps: attempt.answer?.steps ?? 0 };
    const steps = readTrace(
      attempt.block,
      attempt.lines,
      attempt.setup?.labels ?? new Uint8Array(0),
      Math.min(attempt.block[Shared.steps]!, maxSteps),
    );
    const names = new Map(attempt.setup?.ready.words ?? []);
    const failure = withSchedule(fault.failure, [
      `replayed schedule (THREADKATA_REPLAY), ${preemptionsOf(steps)} preemption(s), ${steps.length} steps:`,
      renderTimeline(steps, attempt.setup?.ready.actors ?? 1, new Map(attempt.setup?.ready.words ?? [])),
      `  replay this schedule: THREADKATA_REPLAY=${scheduleString(this.scenario, seed, repetition, decisionsOf(steps))} npm test -- ${this.place.kata}`,
    ]);
    failure.picture = timelinePicture(
      steps,
      attempt.setup?.ready.actors ?? 1,
      names,
      `${this.place.kata}, ${this.scenario} (replayed)`,
    );
    throw failure;
  }
}

/** The decision indexes where the schedule switched away from a thread that could have gone on. */
function preemptionPoints(decisions: number[], steps: Step[]): number[] {
  const points: number[] = [];
  let index = 0;
  for (const step of steps) {
    if (!step.decided) continue;
    if (step.preempts !== undefined && index < decisions.length) points.push(index);
    index++;
  }
  return points;
}

/**
 * The branches a schedule opens from decision `from` on: at each decision, every other actor that
 * was ready, if the schedule up to there with that actor instead stays within the preemption bound.
 * A preemption is a switch away from an actor that could have gone on. The count of the schedule's
 * own preemptions is carried along (counting it afresh for each branch made a schedule of 30,000
 * steps cost seconds), and once it is past the bound no later branch can be within it.
 */
function branchesOf(trace: { actors: number[]; ready: number[] }, from: number): number[][] {
  const { actors, ready } = trace;
  const preempts = (i: number, actor: number) =>
    i > 0 && actor !== actors[i - 1] && (ready[i]! & (1 << actors[i - 1]!)) !== 0;
  const branches: number[][] = [];
  let before = 0;
  for (let i = 0; i < actors.length && before <= preemptionBound; i++) {
    if (i >= from) {
      for (let actor = 0; actor < 32; actor++) {
        if ((ready[i]! & (1 << actor)) === 0 || actor === actors[i]) continue;
        if (before + (preempts(i, actor) ? 1 : 0) <= preemptionBound) branches.push([...actors.slice(0, i), actor]);
      }
    }
    if (preempts(i, actors[i]!)) before++;
  }
  return branches;
}

function countSwitches(decisions: number[]): number {
  let switches = 0;
  for (let i = 1; i < decisions.length; i++) if (decisions[i] !== decisions[i - 1]) switches++;
  return switches;
}

/** The same failure, its message followed by the schedule (and the footer it had, kept last). */
function withSchedule(failure: KataFailure, lines: string[]): KataFailure {
  const [headline, ...rest] = failure.message.split("\n");
  const footerStart = rest.findIndex((line) => /^ {2}(\(|hints:|seed )/.test(line));
  const body = footerStart < 0 ? rest : rest.slice(0, footerStart);
  const footer = footerStart < 0 ? [] : rest.slice(footerStart).filter((line) => !/^ {2}seed /.test(line));
  const Kind = failure.constructor as new (message: string, frames?: string[]) => KataFailure;
  const frames = (failure.stack ?? "").split("\n").filter((line) => /^\s+at /.test(line));
  return new Kind([headline, ...body, ...lines, ...footer].join("\n"), frames);
}
