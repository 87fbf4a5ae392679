// The scheduler of an explored run, as each actor thread runs it. Only the thread holding the turn
// runs; at each step (world.ts) it decides who takes the next one, by the schedule's policy
// (policy.ts), hands over the turn through its word in the schedule block and sleeps until the turn
// comes back. Atomics.wait and notify are modelled exactly: a parked thread is not picked until a
// notify on its word wakes it (oldest first, as V8 does) or, the virtual clock having reached its
// deadline, it times out. A spin that never looks at the clock runs on with the clock standing
// still for a while, as a real bounded spin takes no time to speak of. When nobody can go on, the
// verdict is exact: a deadlock (everyone parked for good) or a livelock (everyone spinning on words
// nobody writes), with no deadline to wait out.

import { Aborted } from "../../engine/aborted.ts";
import { Word } from "../../engine/control.ts";
import {
  Mine,
  Op,
  Record,
  Shared,
  Status,
  Verdict,
  Wake,
  actorWords,
  forcedWord,
  lineBytes,
  maxSteps,
  stepWords,
  wordOf,
  type Op as OpCode,
} from "./layout.ts";
import { pick } from "./policy.ts";
import { harnessNotify, harnessWait, type Stepper } from "./world.ts";

const { load, store, add } = Atomics;

/** Steps an actor may take in a row with no shared write by anyone before it counts as spinning. */
const spinLimit = 32;
/**
 * Steps a thread may spin on words nobody writes, without reading the clock, before time has to
 * pass for it. A spin before a sleep (a few thousand reads: microseconds on real hardware) ends on
 * its own count; moving the clock while it runs would make it take minutes of virtual time, and
 * call a right answer an endless loop.
 */
const spinAllowance = 10_000;
/** Virtual time after which threads that only watch (spin, or wait in the harness) are stuck for good. */
const virtualLimitMicros = 600_000_000;
/** performance.now() at the start of every schedule: the same in a replay. */
const virtualStartMs = 1_000;

export interface Stage {
  block: Int32Array;
  lines: Uint8Array;
  control: Int32Array;
  memory: SharedArrayBuffer;
  actor: number;
  parties: number;
}

/** What ended a schedule early, as the thread that saw it tells the conductor. */
export interface Halt {
  verdict: number;
}

export class Scheduler implements Stepper {
  readonly memory: SharedArrayBuffer;
  private inside = false;
  private meetings = 0;
  /**
   * Hand-overs of the turn this actor has taken. Its turn word counts the hand-overs given to it, so
   * the next one has come when the word passes this count: never judged by a value read at some
   * moment, which a hand-over half done (the status written, the word not yet bumped) would fool.
   */
  private handOvers = 0;
  private readonly me: number;

  constructor(
    private readonly stage: Stage,
    private readonly onHalt: (halt: Halt) => void,
  ) {
    this.memory = stage.memory;
    this.me = actorWords(stage.actor);
  }

  active(): boolean {
    return this.inside;
  }

  /** The virtual clock; each look moves it on a microsecond, so that a loop on the clock ends. */
  now(): number {
    const b = this.stage.block;
    if (this.inside) {
      b[Shared.clock]!++;
      b[this.me + Mine.lookedAtClock] = 1;
    }
    return virtualStartMs + b[Shared.clock]! / 1000;
  }

  /** A timed wait on memory no other thread shares: nothing can wake it, so it sleeps its time out. */
  sleep(ms: number): void {
    const b = this.stage.block;
    if (this.inside && ms > 0) b[Shared.clock] = Math.min(2 ** 30, b[Shared.clock]! + Math.ceil(ms * 1000));
  }

  /**
   * An actor other than 0 waits for its first turn of the next schedule; false if the batch ended
   * instead (actor 0 stopped at a forbidden outcome, or ran out of steps).
   */
  awaitSchedule(batch: number): boolean {
    return this.awaitHandOver(batch);
  }

  /**
   * Starts this actor's part of a schedule, once it holds the turn: actor 0, having made every
   * actor ready at its start step, takes the first decision; the others come here when picked.
   */
  begin(): void {
    this.meetings = 0;
    if (this.stage.actor === 0) this.pass();
    this.inside = true;
    this.record(Op.start, -1, 0, 0, true);
  }

  /** Its part is done: the turn goes to whoever is next (if anyone is left). */
  finish(): void {
    const b = this.stage.block;
    this.unlessAborted();
    this.inside = false;
    b[this.me + Mine.status] = Status.finished;
    this.record(Op.finish, -1, 0, 0, false);
    if (--b[Shared.live]! === 0) {
      harnessNotify(b, Shared.live); // actor 0 waits for it to judge the schedule
      return;
    }
    const next = this.decide();
    if (next < 0) this.halt();
    this.give(next);
  }

  /** Leaves the schedule without a word (the run failed, or this thread threw). */
  leave(): void {
    this.inside = false;
  }

  step<T>(op: OpCode, word: number, perform: () => T, describe: (result: T) => [number, number]): T {
    this.stopAt();
    const result = perform();
    const [value, extra] = describe(result);
    if (writes(op, value, extra)) this.stage.block[Shared.writes]!++;
    this.record(op, word, value, extra, true);
    return result;
  }

  wait(
    view: Int32Array | BigInt64Array,
    index: number,
    value: number | bigint,
    timeout: number | undefined,
  ): "ok" | "not-equal" | "timed-out" {
    const b = this.stage.block;
    const word = wordOf(view, index);
    this.stopAt();
    const seen = load(view as Int32Array, index) as number | bigint;
    const expected = typeof seen === "bigint" ? BigInt.asIntN(64, BigInt(value)) : Number(value) | 0;
    if (seen !== expected) {
      this.record(Op.wait, word, Number(seen), WaitResult.notEqual, true);
      return "not-equal";
    }
    const ms = timeout === undefined ? Infinity : Number(timeout);
    if (ms <= 0) {
      this.record(Op.wait, word, Number(seen), WaitResult.timedOut, true);
      return "timed-out";
    }
    b[this.me + Mine.status] = Status.parked;
    b[this.me + Mine.parkedOn] = word;
    b[this.me + Mine.deadline] =
      Number.isNaN(ms) || ms === Infinity ? -1 : Math.min(2 ** 30, b[Shared.clock]! + Math.ceil(ms * 1000));
    b[this.me + Mine.parkedAt] = b[Shared.parkings]!++;
    b[this.me + Mine.woken] = Wake.none;
    b[this.me + Mine.sleeps]!++;
    b[Shared.writes]!++; // a harness wait on "the peer is asleep" (ctx.until) looks again
    this.record(Op.wait, word, Number(seen), WaitResult.parked, true);
    this.pass();
    const woken = b[this.me + Mine.woken]!;
    b[Shared.writes]!++;
    this.record(Op.wake, word, woken, 0, true);
    return woken === Wake.notified ? "ok" : "timed-out";
  }

  notify(view: Int32Array | BigInt64Array, index: number, count: number | undefined): number {
    const b = this.stage.block;
    const word = wordOf(view, index);
    load(view as Int32Array, index); // a bad index throws as the real notify would
    this.stopAt();
    let left = count === undefined ? Infinity : Math.max(0, Math.trunc(Number(count)) || 0);
    const sleepers: number[] = [];
    for (let actor = 0; actor < this.stage.parties; actor++) {
      const base = actorWords(actor);
      if (b[base + Mine.status] === Status.parked && b[base + Mine.parkedOn] === word) sleepers.push(actor);
    }
    sleepers.sort((x, y) => b[actorWords(x) + Mine.parkedAt]! - b[actorWords(y) + Mine.parkedAt]!);
    let woken = 0;
    for (const actor of sleepers) {
      if (left-- <= 0) break;
      const base = actorWords(actor);
      b[base + Mine.status] = Status.ready;
      b[base + Mine.woken] = Wake.notified;
      b[base + Mine.deadline] = -1;
      woken++;
    }
    b[Shared.writes]!++;
    this.record(Op.notify, word, woken, 0, true);
    return woken;
  }

  /** ctx.meet(): ready again once every actor has met as often as this one. */
  meet(): void {
    const b = this.stage.block;
    this.unlessAborted();
    b[Shared.meetings]!++;
    this.block(Status.meeting, this.stage.parties * ++this.meetings);
    this.record(Op.meet, -1, this.meetings, 0, true);
  }

  /** ctx.untilAsleep(peer): ready again once the peer is parked in Atomics.wait. */
  untilAsleep(peer: number): void {
    if (this.asleep(peer)) return;
    this.block(Status.awaitingSleep, peer);
    this.record(Op.meet, -1, -1 - peer, 0, true);
  }

  /** Shared writes so far: ctx.until() takes it before it looks at its condition. */
  writesNow(): number {
    return this.stage.block[Shared.writes]!;
  }

  /**
   * A harness wait for a condition (ctx.until) that did not hold when it looked, from `since` on:
   * ready again at the first write after that (one in the middle of its look counts too, so a
   * condition read half before and half after another thread's steps is looked at again).
   */
  awaitWrite(since: number): void {
    const b = this.stage.block;
    this.unlessAborted();
    b[this.me + Mine.writesSeen] = since;
    this.block(Status.awaitingWrite, 0);
    // Every decision is a step of the trace: a replay forces them in order.
    this.record(Op.recheck, -1, 0, 0, true);
  }

  asleep(peer: number): boolean {
    return this.stage.block[actorWords(peer) + Mine.status] === Status.parked;
  }

  sleeps(): number {
    return this.stage.block[this.me + Mine.sleeps]!;
  }

  label(slot: number): void {
    this.stage.block[this.me + Mine.label] = slot;
  }

  /** Stops at a step: ready (or spinning, after many steps that changed nothing) until picked. */
  private stopAt(): void {
    const b = this.stage.block;
    this.unlessAborted();
    const writesNow = b[Shared.writes]!;
    if (b[this.me + Mine.writesSeen] !== writesNow) {
      b[this.me + Mine.writesSeen] = writesNow;
      b[this.me + Mine.quietSteps] = 0;
      b[this.me + Mine.spunSteps] = 0;
      b[this.me + Mine.lookedAtClock] = 0;
    } else {
      b[this.me + Mine.spunSteps]!++;
      if (++b[this.me + Mine.quietSteps]! > spinLimit) {
        b[this.me + Mine.quietSteps] = 0;
        b[this.me + Mine.status] = Status.spinning;
        this.pass();
        return;
      }
    }
    b[this.me + Mine.status] = Status.ready;
    this.pass();
  }

  private block(status: Status, waitsFor: number): void {
    const b = this.stage.block;
    this.unlessAborted();
    b[this.me + Mine.status] = status;
    b[this.me + Mine.waitsFor] = waitsFor;
    this.pass();
  }

  /**
   * Once the run is aborted (a thread failed, or the scheduler gave its verdict), no thread touches
   * the schedule again, not even one whose code caught the Aborted thrown at its step and went on
   * to finish: its decisions, on a schedule cut short, could only give a false verdict.
   */
  private unlessAborted(): void {
    if (load(this.stage.control, Word.abort) !== 0) throw new Aborted();
  }

  /** Decides who goes next; if not this actor, hands over the turn and sleeps until it comes back. */
  private pass(): void {
    const next = this.decide();
    if (next < 0) this.halt();
    this.give(next);
    if (next !== this.stage.actor) this.awaitTurn();
  }

  private give(next: number): void {
    const b = this.stage.block;
    b[actorWords(next) + Mine.status] = Status.running;
    if (next === this.stage.actor) return;
    add(b, actorWords(next) + Mine.turn, 1);
    harnessNotify(b, actorWords(next) + Mine.turn, 1);
  }

  private awaitTurn(): void {
    // Spin first when there are only two threads: the other one runs on the other core and hands the
    // turn back within a microsecond (measured: 0.4 µs a hand-over, against 18 µs with three or more
    // threads on two cores, where spinners only take the core from the thread that runs).
    const spins = this.stage.parties <= 2 ? 4000 : 64;
    for (let spin = 0; spin < spins; spin++) if (this.turnCame()) return;
    this.awaitHandOver();
  }

  /** Sleeps until the next hand-over comes (true), or until batch `batch` is over (false). */
  private awaitHandOver(batch = Infinity): boolean {
    const b = this.stage.block;
    for (;;) {
      if (this.turnCame()) return true;
      if (load(b, Shared.batchDone) >= batch) return false;
      this.unlessAborted();
      harnessWait(b, this.me + Mine.turn, this.handOvers, 20);
    }
  }

  /** Whether the next hand-over has come (it counts as taken then). */
  private turnCame(): boolean {
    if (load(this.stage.block, this.me + Mine.turn) === this.handOvers) return false;
    this.handOvers++;
    return true;
  }

  /**
   * Who takes the next step: the forced choice if there is one and it can go, else the policy's
   * pick among the ready actors (a parked one whose deadline has come counts as ready; if nobody
   * is ready, the earliest deadline comes, the clock jumping to it). -1 when nobody can go on.
   */
  private decide(): number {
    const b = this.stage.block;
    const parties = this.stage.parties;
    const clock = b[Shared.clock]!;
    const ready: number[] = [];
    /** Actors a moment later might find changed: spinning in the code, or in a harness wait. */
    const watchers: number[] = [];
    let earliest = -1;
    for (let actor = 0; actor < parties; actor++) {
      const base = actorWords(actor);
      let status = b[base + Mine.status]!;
      if (
        ((status === Status.spinning || status === Status.awaitingWrite) &&
          b[base + Mine.writesSeen] !== b[Shared.writes]) ||
        (status === Status.meeting && b[Shared.meetings]! >= b[base + Mine.waitsFor]!) ||
        (status === Status.awaitingSleep && b[actorWords(b[base + Mine.waitsFor]!) + Mine.status] === Status.parked)
      ) {
        b[base + Mine.status] = status = Status.ready;
      }
      if (status === Status.spinning || status === Status.awaitingWrite) watchers.push(actor);
      const deadline = b[base + Mine.deadline]!;
      if (status === Status.ready || (status === Status.parked && deadline >= 0 && deadline <= clock))
        ready.push(actor);
      else if (
        status === Status.parked &&
        deadline >= 0 &&
        (earliest < 0 || deadline < b[actorWords(earliest) + Mine.deadline]!)
      )
        earliest = actor;
    }
    const decision = b[Shared.decisions]!;
    if (decision >= Math.min(b[Shared.stepLimit]!, maxSteps)) {
      b[Shared.verdict] = Verdict.endless;
      return -1;
    }
    // Nobody ready: time passes. With a watcher about (a loop on the clock, a harness wait for
    // "this, or 2 ms gone"), in jumps that double while nothing else happens (1 ms, 2 ms, 4 ms...,
    // never past the earliest sleeper's deadline), each watcher looking again after each; with
    // none, the earliest deadline comes at once. Past ten virtual minutes nothing will come.
    if (ready.length === 0 && watchers.length > 0) {
      // A thread of the code that spins without looking at the clock waits for no time: it goes on
      // with the clock standing still, for up to spinAllowance steps. Only then does time pass.
      const counting = watchers.filter(
        (actor) =>
          b[actorWords(actor) + Mine.status] === Status.spinning &&
          b[actorWords(actor) + Mine.lookedAtClock] === 0 &&
          b[actorWords(actor) + Mine.spunSteps]! < spinAllowance,
      );
      if (counting.length > 0) {
        for (const actor of counting) b[actorWords(actor) + Mine.status] = Status.ready;
        return this.decide();
      }
      if (clock >= virtualLimitMicros) {
        // A thread of the code spinning all that time is an endless loop; threads of the test
        // waiting for what sleepers would do, a deadlock.
        const spinning = watchers.some((actor) => b[actorWords(actor) + Mine.status] === Status.spinning);
        b[Shared.verdict] = spinning ? Verdict.endless : Verdict.deadlock;
        return -1;
      }
      const rounds = b[Shared.idleWrites] === b[Shared.writes] ? b[Shared.idleRounds]! + 1 : 0;
      b[Shared.idleRounds] = rounds;
      b[Shared.idleWrites] = b[Shared.writes]!;
      let next = Math.min(clock + 1000 * 2 ** Math.min(rounds, 16), virtualLimitMicros);
      if (earliest >= 0) next = Math.min(next, b[actorWords(earliest) + Mine.deadline]!);
      b[Shared.clock] = Math.max(clock + 1, next);
      for (const actor of watchers) {
        b[actorWords(actor) + Mine.writesSeen] = b[Shared.writes]!;
        b[actorWords(actor) + Mine.lookedAtClock] = 0;
        b[actorWords(actor) + Mine.status] = Status.ready;
      }
      return this.decide();
    }
    const candidates = ready.length > 0 ? ready : earliest >= 0 ? [earliest] : [];
    if (candidates.length === 0) {
      b[Shared.verdict] = Verdict.deadlock;
      return -1;
    }
    const current = b[Shared.current]!;
    let choice = -1;
    if (decision < b[Shared.forced]!) {
      const forced = b[forcedWord(decision)]!;
      if (candidates.includes(forced)) choice = forced;
    }
    if (choice < 0) choice = pick(b, candidates, current, decision);
    if (
      current >= 0 &&
      choice !== current &&
      b[actorWords(current) + Mine.status] === Status.ready &&
      candidates.includes(current)
    ) {
      b[Shared.preemptions]!++;
    }
    const chosen = actorWords(choice);
    if (b[chosen + Mine.status] === Status.parked) {
      b[chosen + Mine.woken] = Wake.timedOut;
      b[Shared.clock] = Math.max(clock, b[chosen + Mine.deadline]!);
      b[chosen + Mine.deadline] = -1;
    }
    b[Shared.readyMask] = candidates.reduce((mask, actor) => mask | (1 << actor), 0);
    b[Shared.current] = choice;
    b[Shared.decisions] = decision + 1;
    return choice;
  }

  /** Nobody can go on (or a schedule ran too long): the verdict ends the run for every thread. */
  private halt(): never {
    const b = this.stage.block;
    this.inside = false;
    store(this.stage.control, Word.abort, 1);
    this.onHalt({ verdict: b[Shared.verdict]! });
    for (let actor = 0; actor < this.stage.parties; actor++) harnessNotify(b, actorWords(actor) + Mine.turn);
    harnessNotify(this.stage.control, Word.startLine);
    harnessNotify(this.stage.control, Word.endLine);
    throw new Aborted();
  }

  private record(op: OpCode, word: number, value: number, extra: number, decided: boolean): void {
    const b = this.stage.block;
    const step = b[Shared.steps]!;
    if (step < maxSteps) {
      const base = stepWords(step);
      b[base + Record.actor] = this.stage.actor;
      b[base + Record.op] = op;
      b[base + Record.word] = word;
      b[base + Record.value] = value;
      b[base + Record.extra] = extra;
      b[base + Record.ready] = decided ? b[Shared.readyMask]! : 0;
      b[base + Record.label] = b[this.me + Mine.label]!;
      b[base + Record.clock] = b[Shared.clock]!;
      b[base + Record.decided] = decided ? 1 : 0;
      if (b[Shared.capture] === 1) this.recordLine(step);
    }
    b[Shared.steps] = step + 1;
    b[Shared.clock]!++; // a microsecond a step, so that a loop on the clock moves on
    // Progress for the conductor's watchdog: a long schedule is not a thread stuck in its own code.
    if ((step & 4095) === 4095) Atomics.add(this.stage.control, Word.completed, 1);
  }

  /** Where in the code (the learner's file, if it is on the stack) this step was taken. */
  private recordLine(step: number): void {
    const frames = (new Error().stack ?? "").split("\n").slice(1);
    const outside = frames.filter(
      (line) =>
        /^\s+at /.test(line) &&
        !/\/harness\/(?:(?:engine|report|course|strategy|strategy\/explore)\/)?[\w-]+\.ts|node:|\(native\)|threadkata-entry/.test(
          line,
        ),
    );
    const learner = outside.find((line) => !/\.scenarios\.ts/.test(line)) ?? outside[0] ?? "";
    const place = /([^/\\\s(]+\.[cm]?[tj]s):(\d+)/.exec(learner);
    const text = place ? `${place[1]}:${place[2]}` : "";
    const bytes = new TextEncoder().encode(text).subarray(0, lineBytes - 1);
    const start = step * lineBytes;
    if (start + lineBytes > this.stage.lines.length) return;
    this.stage.lines.fill(0, start, start + lineBytes);
    this.stage.lines.set(bytes, start);
  }
}

/** What a wait step's `extra` says. */
export const WaitResult = { parked: 1, notEqual: 2, timedOut: 3 } as const;

/** Whether a step changed shared memory (a compare-exchange only when it swapped). */
function writes(op: OpCode, value: number, extra: number): boolean {
  if (op === Op.compareExchange) return value !== extra;
  return op === Op.write || op === Op.store || op === Op.notify || op === Op.add || (op >= Op.sub && op <= Op.exchange);
}
