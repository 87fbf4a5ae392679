// The words of a failure: what each thread was doing when the run stopped, who holds which lock,
// the outcome histogram, and what to try next. Kept apart from the engine so that a failure's text
// can be read, and changed, without reading how the threads are run.

import { ActorWord, Phase, actorBase, heldLockSlots, readLabel, readLockName } from "../engine/control.ts";
import type { OutcomeCount, SerializedError } from "../engine/protocol.ts";
import { formatSeed } from "../engine/stress-level.ts";
import { outOfMemoryMessage } from "../engine/limits.ts";
import { shortenPaths } from "../engine/under-test.ts";
import {
  DeadlineExceeded,
  ExceptionInThread,
  NotImplementedError,
  RuleBroken,
  ScenarioLoadError,
  WorkerCrashed,
  type KataFailure,
} from "./failures.ts";

/** Where a failure came from, for the lines under every failure message. */
export interface Place {
  kata: string;
  scenario: string;
  seed: number;
}

/** What the watchdog sees of a run: enough to say what each thread was doing. */
export interface RunSeen {
  readonly control: Int32Array;
  readonly labels: Uint8Array;
  readonly place: Place;
  readonly parties: number;
  readonly threads: readonly { readonly loaded: boolean; readonly worker: { readonly threadId: number } }[];
}

export function thrownFailure(run: RunSeen, actor: number, error: SerializedError): KataFailure {
  const frames = learnerFrames(error.stack);
  const message = shortenPaths(error.message);
  if (error.name === "NotImplementedError") return new NotImplementedError(message, frames.slice(0, 1));
  // A module a thread was to run could not be bundled (toolkit/start-worker.ts): the code does not load.
  if (error.name === "ModuleLoadError") return new ScenarioLoadError(message);
  const where = `${run.place.scenario}, actor ${actor}, repetition ${repetitionOf(run, actor)}`;
  // Code a thread was to run could not be bundled (toolkit/start-worker.ts): not a verdict on it.
  if (error.name === "ScenarioLoadError")
    return new ScenarioLoadError(`actor ${actor}: ${message}\n${footer(run.place, where)}`, frames);
  if (error.rule) return new RuleBroken(`${message}\n${footer(run.place, where)}`, frames);
  return new ExceptionInThread(`actor ${actor} threw ${error.name}: ${message}\n${footer(run.place, where)}`, frames);
}

export function exitedFailure(run: RunSeen, actor: number, code: number): KataFailure {
  return new WorkerCrashed(
    `the thread of actor ${actor} ended by itself (exit code ${code}) during ${run.place.scenario}: ` +
      `did the code call process.exit()?\n${footer(run.place, `repetition ${repetitionOf(run, actor)}`)}`,
  );
}

export function outOfMemoryFailure(run: RunSeen, actor: number): KataFailure {
  const read = (word: number) => Atomics.load(run.control, actorBase(actor) + word);
  const label = readLabel(run.labels, actor, read(ActorWord.label));
  const phase = read(ActorWord.phase) as Phase;
  const where =
    phase === Phase.setup
      ? `while building the shared state${label ? ` (inside ${label})` : ""}`
      : label
        ? `inside ${label}`
        : `in actor ${actor}'s part of ${run.place.scenario}`;
  return new WorkerCrashed(
    `${outOfMemoryMessage(where)}
` +
      `  The thread of actor ${actor} kept more and more memory until it was ended: a collection that grows on every call ` +
      `(an array, a Map, a string) and is never emptied, or a loop that adds without end.
` +
      footer(run.place, `${run.place.scenario}, actor ${actor}, repetition ${repetitionOf(run, actor)}`),
  );
}

function repetitionOf(run: RunSeen, actor: number): number {
  return Atomics.load(run.control, actorBase(actor) + ActorWord.repetition);
}

export function stuckFailure(run: RunSeen, waitingFor: "ready" | "batch" | "explored", quietMs: number): KataFailure {
  const lines: string[] = [];
  const advice = new Set<string>();
  const locks = lockGraph(run);
  for (let actor = 0; actor < run.parties; actor++) {
    const base = actorBase(actor);
    const read = (word: number) => Atomics.load(run.control, base + word);
    const label = readLabel(run.labels, actor, read(ActorWord.label));
    const inside = label ? ` inside ${label}` : "";
    const repetition = read(ActorWord.repetition);
    const threadId = run.threads[actor]?.worker.threadId;
    let state: string;
    switch (read(ActorWord.phase) as Phase) {
      case Phase.setup:
        state = `stuck while building the shared state${inside}`;
        advice.add(adviceFor.running);
        break;
      case Phase.reset:
        state = `stuck resetting the state before repetition ${repetition}`;
        break;
      case Phase.startLine:
        state = `at the start line of repetition ${repetition}, waiting for the others`;
        break;
      case Phase.running:
        if (read(ActorWord.asleep)) {
          const timeout = read(ActorWord.waitTimeout);
          state = `asleep in Atomics.wait (${timeout < 0 ? "no timeout" : `timeout ${timeout} ms`})${inside}, repetition ${repetition}`;
          advice.add(adviceFor.asleep);
        } else {
          state = `still running${inside}, repetition ${repetition}`;
          advice.add(adviceFor.running);
        }
        break;
      case Phase.endLine:
        state = `finished its part of repetition ${repetition}, waiting for the others`;
        break;
      case Phase.arbiter:
        state = `judging repetition ${repetition}`;
        break;
      case Phase.waitingForPeer: {
        const peer = read(ActorWord.waitingFor);
        state =
          peer >= 0 ? `waiting for actor ${peer} to block (fall asleep in Atomics.wait)` : `${label ?? "waiting"}`;
        if (peer >= 0) advice.add(adviceFor.neverSlept(peer));
        break;
      }
      case Phase.finished:
        state = `finished its repetitions`;
        break;
      default:
        if (run.threads[actor]?.loaded === false) {
          state = "still loading its code (the scenario file and the code under test, their top-level statements too)";
          advice.add(adviceFor.running);
        } else state = waitingFor === "ready" ? "starting up" : "idle";
    }
    lines.push(`  actor ${actor} (thread ${threadId ?? "?"}): ${state}${locks.of(actor)}`);
  }
  const header = `no progress for ${Math.round(quietMs)} ms in ${run.place.scenario}; the threads were:`;
  if (locks.cycles.length > 0) {
    advice.delete(adviceFor.asleep);
    advice.add(adviceFor.deadlock);
  }
  return new DeadlineExceeded(
    [...locks.cycles, header, ...lines, ...[...advice].map((a) => `  ${a}`), footer(run.place)].join("\n"),
  );
}

/**
 * The wait-for graph, from what the locks told the harness (lock-observer.ts): who holds which
 * lock, who waits for which. Each waiting actor points at the holder of its lock; a walk that
 * comes back to where it started is a deadlock.
 */
export function lockGraph(run: RunSeen): { cycles: string[]; cycleActors: number[][]; of(actor: number): string } {
  const waits: number[] = [];
  const holds: number[][] = [];
  const uncounted: number[] = [];
  const holder = new Map<number, number>();
  for (let actor = 0; actor < run.parties; actor++) {
    const base = actorBase(actor);
    waits.push(Atomics.load(run.control, base + ActorWord.lockWaited));
    const count = Atomics.load(run.control, base + ActorWord.locksHeld);
    const held: number[] = [];
    for (let slot = 0; slot < Math.min(count, heldLockSlots); slot++) {
      const id = Atomics.load(run.control, base + ActorWord.heldLocks + slot);
      if (id === 0) continue;
      held.push(id);
      if (!holder.has(id)) holder.set(id, actor);
    }
    holds.push(held);
    uncounted.push(Math.max(0, count - held.length));
  }
  const name = (id: number) => readLockName(run.labels, run.parties, id);
  const heldList = (actor: number) => {
    const names = holds[actor]!.map(name);
    const more = uncounted[actor]! > 0 ? ` and ${uncounted[actor]} more` : "";
    return names.length === 0 ? `${uncounted[actor]} locks` : `${names.join(", ")}${more}`;
  };
  const next = (actor: number) => (waits[actor] ? holder.get(waits[actor]!) : undefined);

  const cycles: string[] = [];
  const cycleActors: number[][] = [];
  const seen = new Set<number>();
  for (let start = 0; start < run.parties; start++) {
    const path: number[] = [];
    let actor: number | undefined = start;
    while (actor !== undefined && !seen.has(actor) && !path.includes(actor)) {
      path.push(actor);
      actor = next(actor);
    }
    if (actor !== undefined && path.includes(actor)) {
      const cycle = path.slice(path.indexOf(actor));
      const lowest = cycle.indexOf(Math.min(...cycle));
      const ordered = [...cycle.slice(lowest), ...cycle.slice(0, lowest)];
      const steps = ordered.map((a) => `actor ${a} holds ${heldList(a)} and waits for ${name(waits[a]!)}`);
      cycles.push(`${cycles.length === 0 ? "deadlock" : "and another deadlock"}: ${steps.join("; ")}`);
      cycleActors.push(ordered);
    }
    for (const a of path) seen.add(a);
  }

  return {
    cycles,
    cycleActors,
    of(actor) {
      const parts: string[] = [];
      if (holds[actor]!.length > 0 || uncounted[actor]! > 0) parts.push(`holds ${heldList(actor)}`);
      if (waits[actor]) {
        const owner = holder.get(waits[actor]!);
        const by =
          owner === undefined
            ? "held by no actor the harness knows of"
            : owner === actor
              ? "held by itself"
              : `held by actor ${owner}`;
        parts.push(`waits for ${name(waits[actor]!)} (${by})`);
      }
      return parts.length > 0 ? `; ${parts.join(", ")}` : "";
    },
  };
}

const adviceFor = {
  deadlock:
    "Each thread in the cycle holds a lock the next one waits for, so none can go on. Take locks in one order that every thread follows, or let go of what you hold when the next lock is taken, and try again.",
  asleep:
    "A thread asleep in Atomics.wait that nobody wakes: a lost wakeup (a store with no Atomics.notify after it, or a notify before the store), or a deadlock.",
  running: "A thread that never finishes: an endless loop, or a spin waiting for something that never comes.",
  neverSlept: (peer: number) =>
    `Actor ${peer} never went to sleep: a thread that must wait should sleep in Atomics.wait, not spin, and not return.`,
};

export function footer(place: Place, where?: string): string {
  const seed = formatSeed(place.seed);
  return [
    where ? `  (${where})` : undefined,
    `  hints: katas/${place.kata}/README.md`,
    `  seed ${seed}: THREADKATA_SEED=${seed} npm test -- ${place.kata}`,
  ]
    .filter(Boolean)
    .join("\n");
}

export function histogram(
  first: OutcomeCount,
  outcomes: Map<string, OutcomeCount>,
  repetitions: number,
  place: Place,
): string {
  const rows = [...outcomes.values()].sort((a, b) => b.count - a.count);
  const shown = rows.slice(0, 8);
  const width = Math.max(...shown.map((row) => row.key.length));
  // A reason may run to several lines (a linearizability timeline): rows show its first line only.
  const firstLine = (text: string) => text.split("\n", 1)[0]!;
  const lines = shown.map(
    (row) =>
      `    ${String(row.count).padStart(6)} × ${row.key.padEnd(width)}  ${row.forbidden ? `FORBIDDEN: ${firstLine(row.forbidden)}` : "acceptable"}`,
  );
  if (rows.length > shown.length) lines.push(`    … and ${rows.length - shown.length} more outcomes`);
  const [headline, ...details] = first.forbidden!.split("\n");
  return [
    `${headline} (first seen in repetition ${first.firstRepetition})`,
    ...details,
    `  outcomes of ${repetitions} repetitions of ${place.scenario}:`,
    ...lines,
    footer(place),
  ].join("\n");
}

/**
 * The frames of a stack that point into kata code (the code under test, the scenario), not into
 * the harness or Node itself: what vitest should show a code frame for.
 */
function learnerFrames(stack: string): string[] {
  return stack
    .split("\n")
    .filter((line) => /^\s+at /.test(line))
    .filter(
      (line) =>
        !/\/harness\/(?:(?:engine|report|course|strategy)\/)?[\w-]+\.ts|node:|node_modules|\(native\)|threadkata-entry/.test(
          line,
        ),
    )
    .map((line) => line.replace("file://", ""))
    .slice(0, 6);
}
