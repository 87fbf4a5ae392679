// Linearizability: did a concurrent object behave as if each operation took effect at one instant
// between its call and its return? The history says when each call and return happened (stamps
// from one shared counter, see History in scenario.ts); a sequential model says what one operation
// at a time would return. The history is linearizable if some total order of the operations
// (1) keeps every operation that returned before another was called ahead of it, and (2) gives
// every operation the result it really returned when the model runs them in that order.
//
// The search is Wing & Gong's, with Lowe's memoization, as in porcupine (anishathalye/porcupine):
// keep the calls and returns in one time-ordered list; the operations that may come next are the
// calls ahead of the first return still in the list (an operation whose return comes earlier must
// be linearized first). Try each in turn: if the model accepts its result, take it out of the list
// and go on; when the first return is reached with nothing taken, undo the last choice. A pair
// (set of linearized operations, model state) that was reached before leads nowhere new, so it is
// remembered and never explored twice. That memo is what turns an exponential search into one
// that, for a correct object with a few operations in flight at once, barely ever backtracks.
// A model may also rank the operations, so the likeliest next one is tried first (Model.rank).
// The search keeps its own stack (no recursion: histories run to thousands of operations) and a
// budget of steps and milliseconds, past which it answers "undecided" rather than hang.

/** The real clock, taken before an explored run can make performance.now() virtual. */
const harnessClock = performance.now.bind(performance);

import { acceptable, forbidden, type Outcome } from "./scenario.ts";

/** One operation of a history, as History.operations() reads it back. */
export interface Operation {
  /** Its position in the history: names the operation in messages. */
  readonly id: number;
  readonly actor: number;
  /** What was called: a small integer the scenario (or the model) defines. */
  readonly kind: number;
  readonly argument: number;
  /** What it returned, a value or an outcome code the model defines; undefined while pending. */
  readonly result: number | undefined;
  /** Stamp taken just before the call. */
  readonly calledAt: number;
  /** Stamp taken just after the return; undefined if it never returned (pending). */
  readonly returnedAt: number | undefined;
}

/**
 * The sequential object the history is checked against: what one operation at a time does.
 * States are values: `step` must return a new state and never change the one it was given, since
 * the search comes back to old states.
 */
export interface Model<State> {
  init(): State;
  /**
   * Runs `operation` on `state`. `ok`: the sequential object could have returned what the
   * operation returned. A pending operation (result undefined) may take effect or not: return the
   * effect it has if it does (outcomes that change nothing, like a get() finding the queue empty,
   * need no step, since leaving the operation out covers them).
   */
  step(state: State, operation: Operation): { readonly ok: boolean; readonly next: State };
  /** Equal keys for equal states, different keys for different ones: the memo's half of a key. */
  key(state: State): string;
  /** "put(3)", "get()→7": how an operation reads in messages. */
  describe?(operation: Operation): string;
  /** "queue [3, 5]": how a state reads in messages. */
  describeState?(state: State): string;
  /**
   * Optional, for speed only: a rank per operation (indexed by id). Among the operations that may
   * come next, the search tries lower ranks first (then earlier calls). Without it, calls are
   * tried in the order they were made. The queue model ranks each put by when its item was got:
   * concurrent puts are then tried in the order their items came out, instead of guessing an
   * order that is found wrong only when the items are got, after searching everything between.
   */
  rank?(operations: readonly Operation[]): ArrayLike<number>;
}

export interface CheckOptions {
  /** How many model steps the search may take before it gives up undecided. */
  readonly maxSteps?: number;
  /** How many milliseconds the same; keep it well under THREADKATA_DEADLINE_MS when checking in an arbiter. */
  readonly maxMillis?: number;
}

/** Why no order works: what the search got furthest with, and where it got stuck. */
export interface Diagnosis {
  /** The longest order of operations the search could justify (in that order). */
  readonly longestPrefix: readonly Operation[];
  /** The model's state after that prefix, described. */
  readonly stateAfterPrefix: string;
  /** The operations that could have come next in real time, none of which led anywhere. */
  readonly stuck: readonly Operation[];
  /** One line per actor, around the place where the search got stuck. */
  readonly timeline: string;
  /** All of the above in a few lines, for a forbidden outcome or a rule. */
  readonly message: string;
  readonly steps: number;
}

export type Verdict =
  | { readonly linearizable: true; readonly order: readonly Operation[]; readonly steps: number }
  | ({ readonly linearizable: false } & Diagnosis)
  | ({ readonly linearizable: "undecided" } & Diagnosis);

/** About 1 s of search at ~3 µs a step: inside the watchdog's 2 s even on a slow machine. */
const defaultMaxSteps = 300_000;
const defaultMaxMillis = 1_000;

/** Decides whether `operations` is linearizable with respect to `model`. Never recurses, never hangs. */
export function checkLinearizability<State>(
  operations: readonly Operation[],
  model: Model<State>,
  options: CheckOptions = {},
): Verdict {
  operations.forEach(checkStamps);
  const { maxSteps = defaultMaxSteps, maxMillis = defaultMaxMillis } = options;
  const giveUpAt = harnessClock() + maxMillis;
  const events = new EventList(operations, model.rank?.(operations));
  const linearized = new LinearizedSet(operations.length);
  const memo = new Memo();
  // The search's stack. At depth d: candidates[d], the operations that may come next (best first),
  // tried[d] of them tried so far; chosen[d], the one taken; statesBefore[d], the state before it.
  const candidates: number[][] = [events.candidates([])];
  const tried = new Int32Array(operations.length + 1);
  const chosen = new Int32Array(operations.length);
  const statesBefore: State[] = [];
  let depth = 0;
  let longest: number[] = [];
  let completedLeft = operations.filter((op) => op.returnedAt !== undefined).length;
  let state = model.init();
  let steps = 0;

  while (completedLeft > 0) {
    const next = candidates[depth]![tried[depth]!];
    if (next !== undefined) {
      tried[depth]!++;
      if (++steps > maxSteps || ((steps & 1023) === 0 && harnessClock() > giveUpAt)) {
        if (depth > longest.length) longest = Array.from(chosen.subarray(0, depth));
        const limit = steps > maxSteps ? `${maxSteps} steps` : `${maxMillis} ms`;
        const headline = `undecided: the search gave up after ${limit} on ${operations.length} operations (record fewer, or let fewer overlap)`;
        return { linearizable: "undecided", ...diagnose(operations, model, longest, steps, headline) };
      }
      const operation = operations[next]!;
      const step = model.step(state, operation);
      if (step.ok && memo.firstVisit(linearized, next, model.key(step.next))) {
        chosen[depth] = next;
        statesBefore[depth] = state;
        state = step.next;
        linearized.add(next);
        events.lift(next);
        if (operation.returnedAt !== undefined) completedLeft--;
        depth++;
        candidates[depth] = events.candidates(candidates[depth] ?? []);
        tried[depth] = 0;
      }
    } else {
      // Nothing that may come next leads anywhere from here: undo the last choice, try the next one.
      if (depth > longest.length) longest = Array.from(chosen.subarray(0, depth));
      if (depth === 0) {
        const headline = `not linearizable: no order of the ${operations.length} operations gives every result the sequential model gives (${steps} steps)`;
        return { linearizable: false, ...diagnose(operations, model, longest, steps, headline) };
      }
      depth--;
      const undone = operations[chosen[depth]!]!;
      state = statesBefore[depth]!;
      linearized.remove(undone.id);
      events.unlift(undone.id);
      if (undone.returnedAt !== undefined) completedLeft++;
    }
  }
  return { linearizable: true, order: Array.from(chosen.subarray(0, depth), (id) => operations[id]!), steps };
}

/**
 * The arbiter's verdict on a recorded history: acceptable when linearizable, forbidden with the
 * diagnosis when not, and forbidden too when the search gives up (a history too large or too
 * concurrent to judge proves nothing, and should be noticed rather than waved through).
 */
export function judgeLinearizability<State>(
  operations: readonly Operation[],
  model: Model<State>,
  options?: CheckOptions,
): Outcome {
  const verdict = checkLinearizability(operations, model, options);
  if (verdict.linearizable === true) return acceptable("linearizable");
  if (verdict.linearizable === false) return forbidden("not linearizable", verdict.message);
  return forbidden("undecided", verdict.message);
}

function checkStamps(op: Operation, index: number): void {
  if (op.id !== index) throw new RangeError(`operation ${index} has id ${op.id}: ids must be positions in the history`);
  if (op.returnedAt !== undefined && op.returnedAt < op.calledAt) {
    throw new RangeError(`operation ${op.id} returned (${op.returnedAt}) before it was called (${op.calledAt})`);
  }
}

/**
 * The pairs (set of linearized operations, model state) the search has reached: for each state
 * key, the hashes of the sets it was reached with.
 */
class Memo {
  private readonly seen = new Map<string, Set<number>>();

  /** Records (linearized + operation, state); false if the search has been there before. */
  firstVisit(linearized: LinearizedSet, operation: number, stateKey: string): boolean {
    const hash = linearized.hashWith(operation);
    let sets = this.seen.get(stateKey);
    if (!sets) this.seen.set(stateKey, (sets = new Set()));
    if (sets.has(hash)) return false;
    sets.add(hash);
    return true;
  }
}

/**
 * The set of operations linearized so far, as its Zobrist hash: a random 53-bit number per
 * operation (what a JS number holds exactly), XORed in when it is linearized and out when undone.
 * The set itself needs no storing: the event list knows which operations are lifted. Two
 * different sets share a hash with odds of 1 in 2^53: over the default budget of 300,000 states
 * that is under 1 in 10^5 per search, and a clash could only make the search skip a branch,
 * never accept a wrong order. Exact copies of the set (a bitset per state, as porcupine keeps)
 * would cost hundreds of bytes per state and most of the time.
 */
class LinearizedSet {
  private readonly zobristHigh: Uint32Array; // 21 bits each
  private readonly zobristLow: Uint32Array; // 32 bits each
  private hashHigh = 0;
  private hashLow = 0;

  constructor(size: number) {
    // Fixed random numbers (a seeded xorshift), so every run explores the same way.
    let seed = 0x9e3779b9;
    const random = () => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return seed >>> 0;
    };
    this.zobristHigh = Uint32Array.from({ length: size }, () => random() >>> 11);
    this.zobristLow = Uint32Array.from({ length: size }, random);
  }

  add(operation: number): void {
    this.toggle(operation);
  }

  remove(operation: number): void {
    this.toggle(operation);
  }

  /** The hash of this set with `operation` added. */
  hashWith(operation: number): number {
    const high = (this.hashHigh ^ this.zobristHigh[operation]!) >>> 0;
    const low = (this.hashLow ^ this.zobristLow[operation]!) >>> 0;
    return high * 2 ** 32 + low;
  }

  private toggle(operation: number): void {
    this.hashHigh ^= this.zobristHigh[operation]!;
    this.hashLow ^= this.zobristLow[operation]!;
  }
}

/**
 * Every call and return, in time order, as a doubly linked list over typed arrays. Linearizing an
 * operation lifts its call and its return out of the list; undoing it puts them back exactly where
 * they were (Knuth's dancing links: the lifted node still points at its old neighbours, and undo
 * happens in reverse order).
 */
class EventList {
  /** Event `e` is the call (even) or the return (odd) of operation `e >> 1`. */
  private readonly next: Int32Array;
  private readonly previous: Int32Array;
  /** The head sentinel; the end of the list is -1. */
  private readonly head: number;
  /** callOrder[op]: the position of op's call among all events, to break ties between equal ranks. */
  private readonly callOrder: Int32Array;

  constructor(
    operations: readonly Operation[],
    private readonly rank?: ArrayLike<number>,
  ) {
    const time = new Float64Array(operations.length * 2);
    const events: number[] = [];
    for (const op of operations) {
      time[op.id * 2] = op.calledAt;
      events.push(op.id * 2);
      if (op.returnedAt === undefined) continue;
      time[op.id * 2 + 1] = op.returnedAt;
      events.push(op.id * 2 + 1);
    }
    // On equal stamps calls come first: operations that touch at one instant count as overlapping.
    events.sort((a, b) => time[a]! - time[b]! || (a & 1) - (b & 1));
    this.head = operations.length * 2;
    this.next = new Int32Array(this.head + 1).fill(-1);
    this.previous = new Int32Array(this.head + 1).fill(-1);
    this.callOrder = new Int32Array(operations.length);
    events.forEach((event, position) => {
      if ((event & 1) === 0) this.callOrder[event >> 1] = position;
    });
    let last = this.head;
    for (const event of events) {
      this.next[last] = event;
      this.previous[event] = last;
      last = event;
    }
  }

  /**
   * The operations that may come next: every call ahead of the first return still in the list
   * (an operation whose return comes first must be linearized before anything called after it),
   * best rank first. Fills and returns `into`, so each depth of the search reuses its array.
   */
  candidates(into: number[]): number[] {
    into.length = 0;
    for (let event = this.next[this.head]!; event >= 0 && (event & 1) === 0; event = this.next[event]!)
      into.push(event >> 1);
    const rank = this.rank;
    if (rank && into.length > 1) into.sort((a, b) => rank[a]! - rank[b]! || this.callOrder[a]! - this.callOrder[b]!);
    return into;
  }

  lift(operation: number): void {
    this.unlink(operation * 2);
    if (this.previous[operation * 2 + 1]! >= 0) this.unlink(operation * 2 + 1);
  }

  unlift(operation: number): void {
    if (this.previous[operation * 2 + 1]! >= 0) this.relink(operation * 2 + 1);
    this.relink(operation * 2);
  }

  private unlink(event: number): void {
    const before = this.previous[event]!;
    const after = this.next[event]!;
    this.next[before] = after;
    if (after >= 0) this.previous[after] = before;
  }

  private relink(event: number): void {
    const before = this.previous[event]!;
    const after = this.next[event]!;
    this.next[before] = event;
    if (after >= 0) this.previous[after] = event;
  }
}

// ---------------------------------------------------------------------------------------------
// Explaining a failure

function diagnose<State>(
  operations: readonly Operation[],
  model: Model<State>,
  longest: readonly number[],
  steps: number,
  headline: string,
): Diagnosis {
  const describe = model.describe ?? describeWith({});
  const longestPrefix = longest.map((id) => operations[id]!);
  let state = model.init();
  for (const op of longestPrefix) state = model.step(state, op).next;
  const stateAfterPrefix = model.describeState?.(state) ?? model.key(state);
  const stuck = candidatesAfter(operations, new Set(longest));
  // The window: from the last few operations that worked to the calls that could not follow them
  // (not to their returns: a stuck operation whose thread was descheduled may return much later).
  const lastWorked = longestPrefix.slice(-3);
  const window = {
    from: Math.min(...lastWorked.map((op) => op.calledAt), ...stuck.map((op) => op.calledAt)),
    to: Math.max(...lastWorked.map((op) => op.returnedAt ?? op.calledAt), ...stuck.map((op) => op.calledAt)),
  };
  const timeline = renderTimeline(operations, { describe, mark: new Set(stuck.map((op) => op.id)), window });

  const tail = longestPrefix.slice(-4).map(describe).join(" · ");
  const stuckLines = stuck.slice(0, 6).map((op) => {
    const why = model.step(state, op).ok ? "possible here, but no order goes on from it" : "impossible here";
    return `    ${describe(op)} by actor ${op.actor} ${stamps(op)}: ${why}`;
  });
  if (stuck.length > 6) stuckLines.push(`    … and ${stuck.length - 6} more`);
  const message = [
    headline,
    `  longest order that works: ${longestPrefix.length} operations${tail ? ` (… ${tail})` : ""}, leaving ${stateAfterPrefix}`,
    `  none of these can come next:`,
    ...stuckLines,
    `  timeline (✗: could not come next; stamps are call→return):`,
    timeline.replace(/^/gm, "    "),
  ].join("\n");
  return { longestPrefix, stateAfterPrefix, stuck, timeline, message, steps };
}

/**
 * The operations that may come next after `linearized` in real time: not yet linearized, and
 * called before the earliest return among the operations not yet linearized.
 */
function candidatesAfter(operations: readonly Operation[], linearized: ReadonlySet<number>): Operation[] {
  const left = operations.filter((op) => !linearized.has(op.id));
  const firstReturn = Math.min(...left.map((op) => op.returnedAt ?? Infinity));
  return left.filter((op) => op.calledAt <= firstReturn).sort((a, b) => a.calledAt - b.calledAt);
}

function stamps(op: Operation): string {
  return `[${op.calledAt}→${op.returnedAt ?? "…"}]`;
}

export interface TimelineOptions {
  readonly describe?: (operation: Operation) => string;
  /** Operations to flag with ✗. */
  readonly mark?: ReadonlySet<number>;
  /** Only operations overlapping these stamps, plus `context` before them on each line. */
  readonly window?: { readonly from: number; readonly to: number };
  readonly context?: number;
  /** At most this many operations on a line. */
  readonly perLine?: number;
}

/**
 * One line per actor, operations in order with their stamps:
 * `actor 1: put(3) [12→15] · get()→7 [18→25]`; a pending one shows `[18→…]`.
 */
export function renderTimeline(operations: readonly Operation[], options: TimelineOptions = {}): string {
  const {
    describe = describeWith({}),
    mark = new Set<number>(),
    window = { from: -Infinity, to: Infinity },
    context = 1,
    perLine = 6,
  } = options;
  const actors = [...new Set(operations.map((op) => op.actor))].sort((a, b) => a - b);
  return actors
    .map((actor) => {
      const own = operations.filter((op) => op.actor === actor).sort((a, b) => a.calledAt - b.calledAt);
      const { start, end } = lineSpan(own, window, mark, context, perLine);
      const items = own.slice(start, end).map((op) => `${mark.has(op.id) ? "✗" : ""}${describe(op)} ${stamps(op)}`);
      if (items.length === 0) return `actor ${actor}: (no operation yet) …`; // it started after the window
      return `actor ${actor}: ${start > 0 ? "… " : ""}${items.join(" · ")}${end < own.length ? " …" : ""}`;
    })
    .join("\n");
}

/**
 * Which of one actor's operations (in call order) a timeline line shows: those overlapping the
 * window, at most `perLine`, keeping the marked ones in view, with `context` before if there is room.
 */
function lineSpan(
  own: readonly Operation[],
  window: { from: number; to: number },
  mark: ReadonlySet<number>,
  context: number,
  perLine: number,
) {
  const overlaps = (op: Operation) => op.calledAt <= window.to && (op.returnedAt ?? Infinity) >= window.from;
  let start = own.findIndex(overlaps);
  if (start < 0) start = own.findIndex((op) => op.calledAt > window.to);
  if (start < 0) start = own.length;
  let end = start;
  while (end < own.length && overlaps(own[end]!)) end++;
  if (end - start > perLine) {
    const lastMarked = own.findLastIndex((op, index) => index >= start && index < end && mark.has(op.id));
    end = lastMarked < 0 ? end : Math.min(end, lastMarked + 2);
    start = Math.max(start, end - perLine);
  }
  start = Math.max(0, start - Math.min(context, perLine - (end - start)));
  return { start, end };
}

export interface OperationNames {
  /** kinds[kind] names a kind; unnamed kinds print as "op<kind>". */
  readonly kinds?: readonly string[];
  /** Kinds whose argument means nothing (get(), read()): shown without one. */
  readonly withoutArgument?: readonly number[];
  /** Names of result codes ({ [-2]: "Full" }); "" hides the result (a put that returned None). */
  readonly results?: Readonly<Record<number, string>>;
}

/** A `describe` for a model from names: `put(3)`, `get()→7`, `putNowait(3)→Full`, `get()` pending. */
export function describeWith(names: OperationNames): (operation: Operation) => string {
  const { kinds = [], withoutArgument = [], results = {} } = names;
  return (op) => {
    const call = `${kinds[op.kind] ?? `op${op.kind}`}(${withoutArgument.includes(op.kind) ? "" : op.argument})`;
    if (op.result === undefined) return call;
    const result = results[op.result] ?? String(op.result);
    return result === "" ? call : `${call}→${result}`;
  };
}
