// The conductor of actor threads: runs on the test's main thread, never runs code under test itself,
// and never blocks. It starts a suite's worker threads once, sets up each run on them and watches
// their progress through the control block; a strategy (strategy/) drives the run's repetitions,
// and whatever happened becomes one classified failure (report/).

import { Worker } from "node:worker_threads";
import { bundleScenarios, BundleFailed, type Bundle } from "./bundle.ts";
import { ActorWord, Phase, Word, actorBase, controlWords, labelBufferBytes } from "./control.ts";
import {
  ExceptionInThread,
  ForbiddenOutcome,
  NotImplementedError,
  RuleBroken,
  ScenarioLoadError,
} from "../report/failures.ts";
import type { ActorMessage, ConductorMessage, SerializedError } from "./protocol.ts";
import { deadlineMs, seedFor } from "./stress-level.ts";
import { isOutOfMemory, threadResourceLimits } from "./limits.ts";
import { relativeToRepository, shortenPaths } from "./under-test.ts";
import {
  exitedFailure,
  lockGraph,
  outOfMemoryFailure,
  stuckFailure,
  thrownFailure,
  type Place,
  type RunSeen,
} from "../report/messages.ts";
import type { ExploreBlocks } from "../strategy/explore/actor.ts";
import { Aborted } from "./aborted.ts";
import type { Strategy } from "../strategy/strategy.ts";

const sharedMemoryBytes = 64 * 1024;
/** How long a certain deadlock (see Watch.certainDeadlock) must be seen before it is reported. */
const certainDeadlockMs = 100;
/** How long, after a failure, the other threads have to come back from their harness waits. */
const settleMs = 250;
/** How long a new thread may take to load its code before it counts as stuck. */
const startupBoundMs = (deadline: number) => Math.max(5 * deadline, 5_000);

// Source maps must be on before the bundle is compiled, so a tiny loader turns them on first.
const loader = `
process.setSourceMapsEnabled(true);
Error.stackTraceLimit = 30;
import(require("node:worker_threads").workerData.bundle);
`;

type Event =
  ActorMessage | { type: "exit"; code: number } | { type: "crash"; error: SerializedError } | { type: "out of memory" };

/** Each run (one test's scenario) has a number; a thread's messages carry the run they belong to. */
let runs = 0;

export class ActorThread {
  readonly worker: Worker;
  private listener: ((event: Event) => void) | undefined;
  private backlog: Event[] = [];
  exited = false;
  /** The run this thread serves now: a message from an earlier run (a late error) is dropped. */
  run = runs;
  /** Whether its code (the bundle) has loaded: until then, a busy machine's slowness is not the answer's. */
  loaded = false;

  constructor(bundle: Bundle) {
    this.worker = new Worker(loader, {
      eval: true,
      workerData: { bundle: bundle.url },
      stdout: false,
      stderr: false,
      resourceLimits: threadResourceLimits,
    });
    this.worker.unref();
    this.worker.on("message", (message: ActorMessage) => {
      if (message.type === "loaded") this.loaded = true;
      if (message.type === "loaded" || message.run === this.run) this.deliver(message);
    });
    this.worker.on("error", (error) =>
      this.deliver(isOutOfMemory(error) ? { type: "out of memory" } : { type: "crash", error: serializeError(error) }),
    );
    this.worker.on("exit", (code) => {
      this.exited = true;
      this.deliver({ type: "exit", code });
    });
  }

  private deliver(event: Event): void {
    if (this.listener) this.listener(event);
    else this.backlog.push(event);
  }

  listen(listener: (event: Event) => void): void {
    this.listener = listener;
    for (const event of this.backlog.splice(0)) listener(event);
  }

  send(message: ConductorMessage): void {
    this.worker.postMessage(message);
  }
}

function serializeError(error: unknown): SerializedError {
  const e = error instanceof Error ? error : new Error(String(error));
  return { name: e.name, message: e.message, stack: e.stack ?? "", rule: false };
}

export interface RunSetup {
  actors: ActorThread[];
  control: Int32Array;
  labels: Uint8Array;
  watch: Watch;
  /** Actor 0's answer: how many actors, the scenario's repetitions, the names of its words. */
  ready: Extract<ActorMessage, { type: "ready" }>;
}

export interface RunOptions {
  params?: unknown;
  /** Overrides the scenario's default repetitions (before the stress factor). */
  repetitions?: number;
}

/** The worker threads of one scenario file, started once and reused by every test of a suite. */
export class ActorPool {
  private bundle: Promise<Bundle> | undefined;
  private threads: ActorThread[] = [];
  /** The run in progress: its control block and the threads playing its actors. */
  private running: { control: Int32Array; actors: ActorThread[] } | undefined;

  constructor(
    readonly kata: string,
    readonly scenarioFile: string,
  ) {}

  /**
   * Runs a scenario's repetitions the way `strategy` drives them (strategy/stress.ts,
   * strategy/explore/); resolves with its report, or rejects with a KataFailure.
   */
  async drive<Report>(strategy: Strategy<Report>, scenario: string, options: RunOptions = {}): Promise<Report> {
    const place: Place = { kata: this.kata, scenario, seed: seedFor() };
    try {
      return await strategy.drive(this, scenario, options, place);
    } catch (error) {
      if (error instanceof BundleFailed) throw new ScenarioLoadError(shortenPaths(error.message));
      throw error;
    }
  }

  /**
   * After a failure, threads stuck in learner code must go, but ending and restarting every thread
   * after every failing test made a fresh clone's `npm test` (all stubs) twice as slow. A forbidden
   * outcome is judged after a whole batch, with every thread idle; after an exception or a broken
   * rule the others give up their harness waits (the abort word) and say so: keep those, for a
   * short while, and end only the threads that did not come back.
   */
  async settle(error: unknown): Promise<void> {
    const run = this.running;
    this.running = undefined;
    if (error instanceof ForbiddenOutcome) return;
    // Aborted: the explore mode's scheduler ended the run, and told every thread to come back.
    if (
      !run ||
      !(
        error instanceof RuleBroken ||
        error instanceof ExceptionInThread ||
        error instanceof NotImplementedError ||
        error instanceof Aborted
      )
    ) {
      await this.close();
      return;
    }
    const settled = (actor: number) => Atomics.load(run.control, actorBase(actor) + ActorWord.settled) === 1;
    const giveUpAt = performance.now() + settleMs;
    while (performance.now() < giveUpAt && !run.actors.every((_, actor) => settled(actor))) {
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    const stuck = run.actors.filter((_, actor) => !settled(actor));
    this.threads = this.threads.filter((thread) => !stuck.includes(thread));
    await Promise.all(stuck.map((thread) => thread.worker.terminate()));
  }

  async close(): Promise<void> {
    const threads = this.threads.splice(0);
    await Promise.all(threads.map((thread) => thread.worker.terminate()));
  }

  /**
   * Starts a run: bundles (once), gives every actor thread its part of `scenario` and waits until
   * each has built its state. An explored run (`explore`) shares the schedule block too.
   */
  async setUp(scenario: string, options: RunOptions, place: Place, explore?: ExploreBlocks): Promise<RunSetup> {
    this.bundle ??= bundleScenarios(this.scenarioFile);
    const bundle = await this.bundle.catch((error: unknown) => {
      this.bundle = undefined;
      throw error;
    });
    const control = new Int32Array(new SharedArrayBuffer(controlWords * 4));
    const labels = new Uint8Array(new SharedArrayBuffer(labelBufferBytes));
    const memory = new SharedArrayBuffer(sharedMemoryBytes);
    // A thread that died (out of memory, say) between runs is not handed the next one.
    this.threads = this.threads.filter((thread) => !thread.exited);
    const watch = new Watch(control, labels, place, this.threads);
    // From here on, every thread of the pool serves this run: what comes from an earlier one is dropped.
    const run = ++runs;
    for (const thread of this.threads) thread.run = run;

    // Actor 0 is set up first: its answer says how many actors the scenario has.
    const setup = (actor: number): ConductorMessage => ({
      type: "setup",
      file: relativeToRepository(this.scenarioFile),
      scenario,
      params: options.params,
      memory,
      control: control.buffer as SharedArrayBuffer,
      labels: labels.buffer as SharedArrayBuffer,
      actor,
      seed: place.seed,
      run,
      ...(explore ? { explore } : {}),
    });
    this.grow(1, bundle);
    const first = await watch.expect([this.threads[0]!], "ready", () => this.threads[0]!.send(setup(0)));
    const ready = first[0] as Extract<ActorMessage, { type: "ready" }>;
    this.grow(ready.actors, bundle);
    const actors = this.threads.slice(0, ready.actors);
    this.running = { control, actors };
    watch.parties = ready.actors;
    await watch.expect(actors.slice(1), "ready", () =>
      actors.slice(1).forEach((thread, i) => thread.send(setup(i + 1))),
    );
    return { actors, control, labels, watch, ready };
  }

  private grow(size: number, bundle: Bundle): void {
    while (this.threads.length < size) this.threads.push(new ActorThread(bundle));
  }
}

/**
 * Waits for the actors' messages while a watchdog looks at their progress. Nothing here blocks the
 * main thread: it listens, and checks the control block on a timer.
 */
export class Watch implements RunSeen {
  parties = 1;
  private readonly deadline = deadlineMs();

  constructor(
    readonly control: Int32Array,
    readonly labels: Uint8Array,
    readonly place: Place,
    readonly threads: ActorThread[],
  ) {}

  /** Sends, then waits for `type` from each of `from`; any error, exit or stall rejects. */
  expect(
    from: ActorThread[],
    type: "ready" | "batch" | "explored",
    send: () => void,
    needed = from.length,
  ): Promise<ActorMessage[]> {
    if (from.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      const answers = new Map<ActorThread, ActorMessage>();
      let lastProgress = performance.now();
      let progress = Atomics.load(this.control, Word.completed);
      const finish = (outcome: () => void) => {
        clearInterval(timer);
        for (const thread of this.threads) thread.listen(() => {});
        outcome();
      };
      let deadlockedSince: number | undefined;
      const began = performance.now();
      const timer = setInterval(
        () => {
          const now = Atomics.load(this.control, Word.completed);
          if (from.some((thread) => !thread.loaded)) {
            // A new thread still loading its code: on a loaded machine that alone can outlast a short
            // deadline. The deadline starts once it has loaded; loading itself gets a generous bound
            // (top-level code of the answer that never ends is still caught).
            if (performance.now() - began > startupBoundMs(this.deadline))
              finish(() => reject(stuckFailure(this, type, performance.now() - began)));
            lastProgress = performance.now();
          } else if (now !== progress) {
            progress = now;
            lastProgress = performance.now();
            deadlockedSince = undefined;
          } else if (performance.now() - lastProgress > this.deadline) {
            finish(() => reject(stuckFailure(this, type, this.deadline)));
          } else if (this.certainDeadlock()) {
            // No need to wait out the deadline: nothing can ever wake these threads. Seen twice,
            // a tick apart, so that a thread just on its way out of a wait is not taken for stuck.
            deadlockedSince ??= performance.now();
            if (performance.now() - deadlockedSince >= certainDeadlockMs) {
              finish(() => reject(stuckFailure(this, type, performance.now() - lastProgress)));
            }
          } else {
            deadlockedSince = undefined;
          }
        },
        Math.min(50, this.deadline / 4),
      );
      this.threads.forEach((thread, actor) =>
        thread.listen((event) => {
          if (event.type === type && from.includes(thread)) {
            answers.set(thread, event);
            if (answers.size === needed) finish(() => resolve([...answers.values()]));
          } else if (event.type === "error" || event.type === "crash") {
            finish(() => reject(thrownFailure(this, event.type === "error" ? event.actor : actor, event.error)));
          } else if (event.type === "out of memory") {
            finish(() => reject(outOfMemoryFailure(this, actor)));
          } else if (event.type === "exit") {
            finish(() => reject(exitedFailure(this, actor, event.code)));
          }
        }),
      );
      send();
    });
  }

  /**
   * A deadlock nothing can end: the locks' wait-for graph has a cycle, and every actor still
   * running the scenario is asleep in Atomics.wait with no timeout, so no one is left to release
   * a lock or to wake anyone.
   */
  private certainDeadlock(): boolean {
    if (lockGraph(this).cycleActors.length === 0) return false;
    for (let actor = 0; actor < this.parties; actor++) {
      const read = (word: number) => Atomics.load(this.control, actorBase(actor) + word);
      if (read(ActorWord.phase) !== Phase.running) continue;
      if (!read(ActorWord.asleep) || read(ActorWord.waitTimeout) >= 0) return false;
    }
    return true;
  }
}
