// The explore mode, on the test's main thread: tries schedules of a scenario (random walks and PCT
// with depths 2 and 3, from a fixed seed, so that every run tries the same ones), and when one
// fails, shrinks it (fewer preemptions, fewer steps, while it still fails the same way), replays
// it once more recording each step's source line, and fails the test with the timeline and the
// string that replays it: THREADKATA_REPLAY=<string> npm test -- NN.

import { Aborted } from "../aborted.ts";
import { ActorWord, actorBase } from "../control.ts";
import { Deadlock, EndlessLoop, ForbiddenOutcome, KataFailure, LoadFailure, NotImplemented, WorkerCrashed } from "../failures.ts";
import { mix } from "../noise.ts";
import type { ActorMessage } from "../protocol.ts";
import type { ActorPool, Place, RunOptions, RunSetup } from "../stress.ts";
import type { ExploreBlocks, ExploreOrder } from "./actor.ts";
import { Mine, Policy, Shared, Status, Verdict, actorWords, blockWords, forcedWord, lineBytes, maxSteps } from "./layout.ts";
import { readLabel } from "../control.ts";
import type { Plan } from "./policy.ts";
import { timelinePicture } from "./picture.ts";
import { decisionsOf, parseSchedule, preemptionsOf, readTrace, renderTimeline, scheduleString, type Step } from "./trace.ts";

/** Schedules tried per scenario unless it asks for another number. */
export const defaultSchedules = 200;
const schedulesPerBatch = 40;
/** Steps a test may spend exploring, over all its schedules: a bound the same in every run. */
const stepBudget = 60_000;
const stepLimit = maxSteps;
/** Replays spent making a failing schedule shorter. */
const shrinkBudget = 40;

export interface ExploreReport {
  schedules: number;
  /** Most steps any schedule took. */
  steps: number;
  /** Steps over all the schedules. */
  totalSteps?: number;
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
    policy: kind === 0 ? Policy.random : Policy.pct,
    seed: mix(seed, index, 11),
    depth: kind === 1 ? 2 : 3,
    expectedSteps,
  };
}

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
    if (wanted && wanted.scenario === this.scenario) return this.replay(wanted.seed, wanted.decisions);
    const seed = exploreSeed(this.scenario);
    let tried = 0;
    let expectedSteps = 200;
    let most = 0;
    let total = defaultSchedules;
    let spent = 0;
    while (tried < total && spent < stepBudget) {
      // Batches sized to the steps left: a scenario of long schedules tries fewer of them.
      const count = Math.min(schedulesPerBatch, total - tried);
      const plans = Array.from({ length: count }, (_, i) => planFor(seed, tried + i, expectedSteps));
      const attempt = await this.attempt(plans, [], false, stepBudget - spent);
      if (attempt.setup?.ready.explore === false) return { schedules: 0, steps: 0, skipped: "the scenario cannot be explored" };
      if (tried === 0 && typeof attempt.setup?.ready.explore === "number" && attempt.setup.ready.explore > 0) total = attempt.setup.ready.explore;
      const fault = this.faultOf(attempt);
      if (fault) return this.report(fault, attempt, tried);
      const answer = attempt.answer!;
      tried += answer.schedules;
      spent += answer.totalSteps ?? answer.steps * answer.schedules;
      most = Math.max(most, answer.steps);
      expectedSteps = Math.max(20, answer.steps);
    }
    return { schedules: tried, steps: most, totalSteps: spent };
  }

  /** Runs one batch of schedules in a fresh run of the scenario; never throws a verdict. */
  private async attempt(plans: Plan[], forced: number[], capture: boolean, budget = Infinity): Promise<Attempt> {
    const blocks: ExploreBlocks = {
      block: new SharedArrayBuffer(blockWords * Int32Array.BYTES_PER_ELEMENT),
      lines: new SharedArrayBuffer(capture ? maxSteps * lineBytes : lineBytes),
    };
    const block = new Int32Array(blocks.block);
    const lines = new Uint8Array(blocks.lines);
    forced.slice(0, maxSteps).forEach((actor, i) => (block[forcedWord(i)] = actor));
    block[Shared.forced] = Math.min(forced.length, maxSteps);
    const order: ExploreOrder = { count: plans.length, plans, capture, stepLimit, batch: ++this.batches, stepBudget: Math.min(budget, 2 ** 31 - 1) };
    let setup: RunSetup | undefined;
    try {
      setup = await this.pool.setUp(this.scenario, this.options, this.place, blocks);
      if (setup.ready.explore === false) return { setup, block, lines, plans };
      const { actors, watch } = setup;
      const [answer] = await watch.expect(actors, "explored", () => actors.forEach((thread) => thread.send({ type: "explore", order })), 1);
      const explored = answer as Explored;
      // The scheduler ended it: every other thread is on its way out; let them settle.
      if (explored.verdict) await this.pool.settle(new Aborted());
      return { answer: explored, setup, block, lines, plans };
    } catch (error) {
      await this.pool.settle(error);
      if (error instanceof NotImplemented || error instanceof LoadFailure || error instanceof WorkerCrashed) throw error;
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
      return { kind: "ForbiddenOutcome", failure: new ForbiddenOutcome(`${forbidden.forbidden!}\n${footer}`), schedule: answer.failedAt };
    }
    return undefined;
  }

  private deadlock(attempt: Attempt): KataFailure {
    const locks = attempt.setup?.watch.locks();
    const cycles = locks && locks.cycles.length > 0 ? `${locks.cycles.join("\n")}\n` : "";
    const names = new Map(attempt.setup?.ready.words ?? []);
    const lines = Array.from({ length: attempt.setup?.ready.actors ?? 0 }, (_, actor) => {
      const base = actorWords(actor);
      const status = attempt.block[base + Mine.status];
      const label = attempt.setup ? readLabel(attempt.setup.labels, actor, attempt.block[base + Mine.label]!) : undefined;
      const inside = label ? ` inside ${label}` : "";
      const word = attempt.block[base + Mine.parkedOn]!;
      const state =
        status === Status.parked
          ? `asleep in Atomics.wait on ${names.get(word) ?? `word ${word}`}${inside}, and nobody will notify it`
          : status === Status.finished
            ? "finished"
            : `waiting in the test${inside} for something no thread will do`;
      return `  actor ${actor}: ${state}${locks?.of(actor) ?? ""}`;
    });
    return new Deadlock(
      [
        `${cycles}every thread still running is asleep in Atomics.wait with no timeout, and nobody is left to wake them: a deadlock or a lost wakeup`,
        ...lines,
        `  hints: katas/${this.place.kata}/README.md`,
      ].join("\n"),
    );
  }

  private endless(attempt: Attempt): KataFailure {
    const steps = attempt.block[Shared.steps]!;
    const minutes = attempt.block[Shared.clock]! / 60e6;
    const what = steps >= stepLimit ? `a schedule took ${steps} steps without finishing` : `a thread spun for ${minutes.toFixed(0)} minutes of virtual time, and nothing it waits for came`;
    return new EndlessLoop(
      `${what}: an endless loop, or threads spinning on words nobody will write (a livelock)\n  hints: katas/${this.place.kata}/README.md`,
    );
  }

  /**
   * A schedule failed: shrink it, replay it recording its lines, and reject with the timeline.
   * Shrinking keeps the same kind of failure; every replay forces the decisions it has and lets
   * the rest run without preemption.
   */
  private async report(fault: Fault, attempt: Attempt, before: number): Promise<never> {
    const plan = attempt.plans[fault.schedule] ?? attempt.plans[0]!;
    const original = readTrace(attempt.block, attempt.lines, attempt.setup?.labels ?? new Uint8Array(0), Math.min(attempt.block[Shared.steps]!, maxSteps));
    let best = decisionsOf(original);
    let bestPreemptions = preemptionsOf(original);
    let budget = shrinkBudget;
    const stillFails = async (forced: number[]): Promise<number[] | undefined> => {
      budget--;
      const trial = await this.attempt([{ ...plan, policy: Policy.sequential }], forced, false);
      const again = this.faultOf(trial);
      if (!again || again.kind !== fault.kind) return undefined;
      const steps = readTrace(trial.block, trial.lines, new Uint8Array(0), Math.min(trial.block[Shared.steps]!, maxSteps));
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
    const shown = reproduced ? await this.attempt([{ ...plan, policy: Policy.sequential }], best, true) : attempt;
    const shownFault = (reproduced && this.faultOf(shown)) || fault;
    const steps = readTrace(shown.block, shown.lines, shown.setup?.labels ?? new Uint8Array(0), Math.min(shown.block[Shared.steps]!, maxSteps));
    const names = new Map(shown.setup?.ready.words ?? attempt.setup?.ready.words ?? []);
    const parties = shown.setup?.ready.actors ?? attempt.setup?.ready.actors ?? 1;
    const replay = scheduleString(this.scenario, plan.seed, decisionsOf(steps));
    const how = plan.policy === Policy.random ? "a random walk" : `PCT, depth ${plan.depth}`;
    const found = `found by the explore mode in schedule ${before + fault.schedule + 1} (${how}); ${reproduced ? "shrunk to" : "as found:"} ${preemptionsOf(steps)} preemption(s), ${steps.length} steps`;
    const failure = withSchedule(shownFault.failure, [
      `${found}. Each line is one step, in the order they happened; ⇢ marks a switch away from a thread that could have gone on:`,
      renderTimeline(steps, parties, names),
      `  replay this schedule: THREADKATA_REPLAY=${replay} npm test -- ${this.place.kata}`,
    ]);
    failure.picture = timelinePicture(steps, parties, names, `${this.place.kata}, ${this.scenario}: ${shownFault.failure.message.split("\n", 1)[0]}`);
    throw failure;
  }

  /** THREADKATA_REPLAY: runs the one schedule it names, with its lines, and fails as it fails. */
  private async replay(seed: number, decisions: number[]): Promise<ExploreReport> {
    const plan: Plan = { policy: Policy.sequential, seed, depth: 1, expectedSteps: decisions.length };
    const attempt = await this.attempt([plan], decisions, true);
    const fault = this.faultOf(attempt);
    if (!fault) return { schedules: 1, steps: attempt.answer?.steps ?? 0 };
    const steps = readTrace(attempt.block, attempt.lines, attempt.setup?.labels ?? new Uint8Array(0), Math.min(attempt.block[Shared.steps]!, maxSteps));
    const names = new Map(attempt.setup?.ready.words ?? []);
    const failure = withSchedule(fault.failure, [
      `replayed schedule (THREADKATA_REPLAY), ${preemptionsOf(steps)} preemption(s), ${steps.length} steps:`,
      renderTimeline(steps, attempt.setup?.ready.actors ?? 1, new Map(attempt.setup?.ready.words ?? [])),
      `  replay this schedule: THREADKATA_REPLAY=${scheduleString(this.scenario, seed, decisionsOf(steps))} npm test -- ${this.place.kata}`,
    ]);
    failure.picture = timelinePicture(steps, attempt.setup?.ready.actors ?? 1, names, `${this.place.kata}, ${this.scenario} (replayed)`);
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
