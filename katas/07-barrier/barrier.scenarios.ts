// The Barrier kata's scenarios. They run inside worker threads (see harness/scenario.ts).
//
// Every thread builds its own Barrier over the same memory, with its own copy of the action (a
// function cannot cross threads). The action below closes over this thread's threadId, so the
// scenarios can tell which thread ran it.

import { threadId } from "node:worker_threads";
import { Barrier } from "#kata/07-barrier/barrier.ts";
import {
  acceptable,
  crowd,
  forbidden,
  rule,
  scenario,
  throwsError,
  type ActorContext,
  type SharedMemory,
} from "#threadkata/scenario.ts";

/** The most generations one repetition runs (the size of the per-generation records). */
const maxRounds = 200;

interface Shared {
  barrier: Barrier;
  parties: number;
  /** Whether the actors record arrivals per generation (then the action checks them too). */
  tracked: boolean;
  /** Per generation: threads that arrived, threads that passed, the indices they got (a bit each). */
  arrived: Int32Array;
  passed: Int32Array;
  indices: Int32Array;
  /** Per generation: threadId + 1 of the thread that ran the action. */
  actionBy: Int32Array;
  /** [0] how many times the action ran; [1] passes over all generations; [2] threads lined up (lineUp()); [3..] passes per index. */
  counts: Int32Array;
  /** Hand-offs between the actors of one repetition, indexed by Flag. */
  flags: Int32Array;
  /** What each actor's wait() did, indexed by actor: see Answer. */
  answers: Int32Array;
}

const Flag = { reset: 0, actionThrows: 1, tickets: 2, slowAction: 3 } as const;
const Count = { actions: 0, passes: 1, lineUp: 2, perIndex: 3 } as const;
/** 0 not yet; BROKEN threw BrokenBarrierError; OTHER threw something else; index + 1 returned. */
const Answer = { none: 0, broken: -1, other: -2 } as const;

/** How long the slow action waits for a timeout to expire meanwhile, at most. */
const slowActionMs = 60;

/** The action the scenarios give: checks it runs after every arrival and before any release. */
function countingAction(shared: () => Shared): () => void {
  return () => {
    const { arrived, passed, actionBy, counts, flags, parties } = shared();
    if (Atomics.load(flags, Flag.actionThrows) === 1) throw new Error("boom: the action failed");
    if (Atomics.load(flags, Flag.slowAction) === 1) {
      // Stays in the action until actor 1's wait(15) has answered (or long after its timeout).
      const until = performance.now() + slowActionMs;
      while (Atomics.load(shared().answers, 1) === Answer.none && performance.now() < until);
    }
    const generation = Atomics.load(counts, Count.actions);
    if (shared().tracked && generation < maxRounds) {
      const got = Atomics.load(arrived, generation);
      rule(
        got === parties,
        `the action of generation ${generation} ran when ${got} of ${parties} threads had arrived: it must run once all have`,
      );
      rule(
        Atomics.load(passed, generation) === 0,
        `the action of generation ${generation} ran after a thread had passed: it must run before anyone is released`,
      );
      Atomics.store(actionBy, generation, threadId + 1);
    }
    Atomics.add(counts, Count.actions, 1);
  };
}

function state(parties: number, options: { action?: boolean; tracked?: boolean } = {}) {
  return (memory: SharedMemory): Shared => {
    const words = memory.int32(Barrier.WORDS);
    const shared: Shared = {
      barrier: undefined as unknown as Barrier,
      parties,
      tracked: options.tracked ?? true,
      arrived: memory.int32(maxRounds),
      passed: memory.int32(maxRounds),
      indices: memory.int32(maxRounds),
      actionBy: memory.int32(maxRounds),
      counts: memory.int32(Count.perIndex + parties),
      flags: memory.int32(4),
      answers: memory.int32(8),
    };
    shared.barrier = new Barrier(parties, { action: options.action ? countingAction(() => shared) : undefined }, words);
    return shared;
  };
}

/** Back to an empty barrier: zero-filled memory (the kata's rule), without calling reset(). */
function reset(shared: Shared): void {
  shared.barrier.memory.fill(0);
  for (const words of [
    shared.arrived,
    shared.passed,
    shared.indices,
    shared.actionBy,
    shared.counts,
    shared.flags,
    shared.answers,
  ])
    words.fill(0);
}

/** What a call did: its result, or BrokenBarrierError, or another error (NotImplementedError is passed on). */
function attempt(call: () => number): { returned: number } | { threw: unknown } {
  try {
    return { returned: call() };
  } catch (error) {
    if (error instanceof Error && error.name === "NotImplementedError") throw error;
    if (error instanceof Error && error.name === "RuleBroken") throw error;
    return { threw: error };
  }
}

/** barrier.broken, read afresh (a plain property read would let TypeScript narrow it between reads). */
function brokenNow(barrier: Barrier): boolean {
  return barrier.broken;
}

function isBroken(error: unknown): boolean {
  return error instanceof Error && error.name === "BrokenBarrierError";
}

function describe(result: { returned: number } | { threw: unknown }): string {
  return "returned" in result ? `returned ${result.returned}` : `threw ${String(result.threw)}`;
}

/** Calls `call`, which must throw BrokenBarrierError; `what` names the call in the message. */
function expectBroken(call: () => number, what: string): void {
  const result = attempt(call);
  rule("threw" in result && isBroken(result.threw), `${what} must throw BrokenBarrierError; it ${describe(result)}`);
}

function record({ answers }: Shared, actor: number, result: { returned: number } | { threw: unknown }): void {
  const answer = "returned" in result ? result.returned + 1 : isBroken(result.threw) ? Answer.broken : Answer.other;
  Atomics.store(answers, actor, answer);
}

/** One pass through the barrier in generation `round`, recording and checking the order of events. */
function passOnce(shared: Shared, ctx: ActorContext, round: number, how: "wait()" | "wait(60000)" = "wait()"): number {
  const { barrier, parties, arrived, passed, indices, counts } = shared;
  Atomics.add(arrived, round, 1);
  ctx.at(how);
  const index = how === "wait()" ? barrier.wait() : barrier.wait(60_000);
  const got = Atomics.load(arrived, round);
  rule(
    got === parties,
    `a thread passed the barrier in generation ${round} when only ${got} of ${parties} threads had arrived`,
  );
  rule(
    Number.isInteger(index) && index >= 0 && index < parties,
    `wait() returned ${index}: the index must be from 0 to ${parties - 1}`,
  );
  const before = Atomics.or(indices, round, 1 << index);
  rule(
    (before & (1 << index)) === 0,
    `two threads got index ${index} in generation ${round}: each index 0..${parties - 1} must go to one thread`,
  );
  Atomics.add(passed, round, 1);
  Atomics.add(counts, Count.perIndex + index, 1);
  return index;
}

function judgeRounds(rounds: number, withAction: boolean) {
  return ({ parties, passed, indices, counts }: Shared) => {
    const full = (1 << parties) - 1;
    for (let round = 0; round < rounds; round++) {
      if (Atomics.load(passed, round) !== parties || Atomics.load(indices, round) !== full) {
        return forbidden(
          `generation ${round}`,
          `generation ${round}: ${Atomics.load(passed, round)} threads passed with indices ${bits(Atomics.load(indices, round))}; expected ${parties} with 0..${parties - 1}`,
        );
      }
    }
    const actions = Atomics.load(counts, Count.actions);
    if (withAction && actions !== rounds)
      return forbidden(
        `${actions} actions`,
        `the action ran ${actions} times in ${rounds} generations: it must run once per generation`,
      );
    return acceptable(`${rounds} generations`);
  };
}

function bits(mask: number): string {
  const set = [];
  for (let i = 0; i < 31; i++) if (mask & (1 << i)) set.push(i);
  return set.length ? set.join(", ") : "none";
}

// ---------------------------------------------------------------------------------------------
// Passing the barrier

/**
 * Actor 1 falls asleep in wait() (nWaiting 1), then actor 2 (nWaiting 2); actor 0's wait() releases
 * all three. Indices follow the order of arrival: 0, 1, 2. Afterwards nWaiting is 0 again.
 */
export const waitBlocks = scenario<Shared>({
  state: state(3),
  reset,
  actors: [
    (shared, ctx) => {
      // A wrong nWaiting leaves these stuck, and the failure names what they waited for.
      untilWaiting(shared, ctx, [1]);
      Atomics.store(shared.flags, Flag.tickets, 1);
      untilWaiting(shared, ctx, [1, 2]);
      rule(Atomics.load(shared.passed, 0) === 0, "wait() returned before every party had arrived: it must block");
      const index = passOnce(shared, ctx, 0);
      rule(
        index === 2,
        `the last of 3 threads to arrive must get index 2 (arrival order, as in Python); it got ${index}`,
      );
      ctx.until(() => Atomics.load(shared.passed, 0) === 3, "all three passed");
      const waiting = shared.barrier.nWaiting;
      rule(waiting === 0, `nWaiting must be 0 once a generation is released; it was ${waiting}`);
    },
    (shared, ctx) => {
      const index = passOnce(shared, ctx, 0);
      rule(index === 0, `the first of 3 threads to arrive must get index 0; it got ${index}`);
    },
    (shared, ctx) => {
      ctx.until(() => Atomics.load(shared.flags, Flag.tickets) === 1, "actor 0 saw actor 1 waiting");
      const index = passOnce(shared, ctx, 0, "wait(60000)");
      rule(index === 1, `the second of 3 threads to arrive must get index 1; it got ${index}`);
    },
  ],
  arbiter: judgeRounds(1, false),
  repetitions: 40,
});

const rounds = 200;

/** Three threads through 200 generations: when anyone passes, all three have arrived. */
export const nobodyPassesEarly = scenario<Shared>({
  state: state(3),
  reset,
  actors: crowd(3, (shared, ctx) => {
    for (let round = 0; round < rounds; round++) passOnce(shared, ctx, round);
  }),
  arbiter: judgeRounds(rounds, false),
  repetitions: 15,
});

/** Four threads (more than cores) through 200 generations: each gets a different index every time. */
export const indicesPermutation = scenario<Shared>({
  state: state(4),
  reset,
  actors: crowd(4, (shared, ctx) => {
    for (let round = 0; round < rounds; round++)
      passOnce(shared, ctx, round, round % 2 === 0 ? "wait()" : "wait(60000)");
  }),
  arbiter: judgeRounds(rounds, false),
  repetitions: 10,
});

/** The action runs once per generation, in the last thread to arrive, before anyone is released. */
export const actionOncePerGeneration = scenario<Shared>({
  state: state(3, { action: true }),
  reset,
  actors: crowd(3, (shared, ctx) => {
    for (let round = 0; round < rounds; round++) {
      const index = passOnce(shared, ctx, round);
      const actions = Atomics.load(shared.counts, Count.actions);
      rule(
        actions === round + 1,
        `a thread passed generation ${round} when the action had run ${actions} times: it must run exactly once per generation, before the release`,
      );
      if (index === shared.parties - 1) {
        const by = Atomics.load(shared.actionBy, round);
        rule(
          by === threadId + 1,
          `the action of generation ${round} ran in thread ${by - 1}, not in the last thread to arrive (thread ${threadId}, index ${index})`,
        );
      }
    }
  }),
  arbiter: judgeRounds(rounds, true),
  repetitions: 15,
});

// Short repetitions: the harness counts progress by repetitions, and on a crowded machine 200
// wake-ups in a row can take longer than its deadline. Many of them instead.
const lineUpRounds = 40;

/**
 * Waits until all `parties` actors have reached the line for `round` (counted in counts[lineUp]),
 * so that they call wait() in the same instant, a few nanoseconds apart. It spins for up to
 * `spinMs`, then waits a millisecond at a time without holding a core (ctx.until): two actors on
 * two cores may spin long (waiting without a core lets the instant slip); more actors than cores
 * must not.
 */
function lineUp({ counts }: Shared, ctx: ActorContext, round: number, parties: number, spinMs: number): void {
  ctx.at("lining up with the other thread(s), before wait()");
  const target = parties * (round + 1);
  Atomics.add(counts, Count.lineUp, 1);
  const spinUntil = performance.now() + spinMs;
  while (Atomics.load(counts, Count.lineUp) < target && performance.now() < spinUntil);
  ctx.until(() => Atomics.load(counts, Count.lineUp) >= target, "the other thread(s) reach the line, before wait()");
  // A random head start of a few hundred nanoseconds at most, so that either thread may be first.
  for (let spins = Math.floor(ctx.random() * 64); spins > 0; spins--) Atomics.load(counts, Count.lineUp);
}

/**
 * Two threads call wait() at the same instant, 40 times a repetition: one of them counts itself in
 * a moment before the other, who is last and releases at once. The first must still see its release.
 */
export const simultaneousArrivals = scenario<Shared>({
  state: state(2),
  reset,
  actors: crowd(2, (shared, ctx) => {
    for (let round = 0; round < lineUpRounds; round++) {
      lineUp(shared, ctx, round, 2, 5_000);
      passOnce(shared, ctx, round);
    }
  }),
  arbiter: judgeRounds(lineUpRounds, false),
  repetitions: 250,
});

const groupWaits = 100;

/** Four threads, a barrier for two, 400 waits: they pass in pairs, each pair after its own action. */
export const moreThreadsThanParties = scenario<Shared>({
  state: state(2, { action: true, tracked: false }),
  reset,
  actors: crowd(4, ({ barrier, parties, counts, flags }, ctx) => {
    // 400 waits in all, taken as tickets: whoever is fastest waits most, and nobody is left alone.
    for (let i = 0; Atomics.add(flags, Flag.tickets, 1) < 4 * groupWaits; i++) {
      ctx.at("wait()");
      const index = barrier.wait();
      rule(index === 0 || index === 1, `wait() on a barrier for 2 returned ${index}: the index must be 0 or 1`);
      const passes = Atomics.add(counts, Count.passes, 1) + 1;
      const actions = Atomics.load(counts, Count.actions);
      rule(
        passes <= parties * actions,
        `${passes} passes after only ${actions} actions: with 2 parties, each pair passes after its own action`,
      );
      Atomics.add(counts, Count.perIndex + index, 1);
    }
  }),
  arbiter: ({ counts }) => {
    const generations = (4 * groupWaits) / 2;
    const [actions, , , zeros, ones] = [...counts];
    if (actions !== generations || zeros !== generations || ones !== generations) {
      return forbidden(
        `${actions}/${zeros}/${ones}`,
        `400 waits on a barrier for 2 should make ${generations} generations: the action ran ${actions} times, index 0 came ${zeros} times, index 1 ${ones} times`,
      );
    }
    return acceptable("in pairs");
  },
  repetitions: 15,
});

// ---------------------------------------------------------------------------------------------
// Breaking the barrier

/** Actors 1 and 2 of the break scenarios: wait (it must break), then wait again once it is reset. */
function brokenThenAgain(againAtOnce: boolean) {
  return (shared: Shared, ctx: ActorContext) => {
    ctx.at("wait() until the barrier breaks");
    const result = attempt(() => shared.barrier.wait());
    record(shared, ctx.actor, result);
    rule(
      "threw" in result && isBroken(result.threw),
      `a thread waiting when the barrier broke must get BrokenBarrierError; its wait() ${describe(result)}`,
    );
    if (!againAtOnce) ctx.until(() => Atomics.load(shared.flags, Flag.reset) === 1, "actor 0 reset the barrier");
    passOnce(shared, ctx, 0);
  };
}

/**
 * Waits until `actors` have arrived and sleep inside wait(): all asleep, and counted in nWaiting.
 * Asleep alone is not enough: a barrier may also sleep on its way in (on a lock of its own, as
 * Python's does), before it counts itself in.
 */
function untilWaiting({ barrier }: Shared, ctx: ActorContext, actors: number[]): void {
  ctx.until(
    () => actors.every((actor) => ctx.asleep(actor)) && barrier.nWaiting === actors.length,
    `actor${actors.length > 1 ? "s" : ""} ${actors.join(" and ")} ${actors.length > 1 ? "are" : "is"} asleep in wait() and nWaiting is ${actors.length}`,
  );
}

function untilBothAnswered(shared: Shared, ctx: ActorContext): void {
  ctx.until(
    () => Atomics.load(shared.answers, 1) !== Answer.none && Atomics.load(shared.answers, 2) !== Answer.none,
    "actors 1 and 2 got an answer from wait()",
  );
}

/** abort() while two threads wait: both throw, later waits throw, and reset() makes it usable. */
export const abortBreaks = scenario<Shared>({
  state: state(3),
  reset,
  actors: [
    (shared, ctx) => {
      const { barrier } = shared;
      untilWaiting(shared, ctx, [1, 2]);
      ctx.at("abort()");
      barrier.abort();
      rule(
        barrier.nWaiting === 0,
        `nWaiting must be 0 once the barrier is broken, even before its waiters have left; it was ${barrier.nWaiting}`,
      );
      untilBothAnswered(shared, ctx);
      ctx.at("broken after abort()");
      rule(brokenNow(barrier) === true, "broken must be true after abort()");
      rule(barrier.nWaiting === 0, `nWaiting must be 0 once the waiters have thrown; it was ${barrier.nWaiting}`);
      ctx.at("wait() of a broken barrier");
      expectBroken(() => barrier.wait(), "wait() of a broken barrier");
      expectBroken(() => barrier.wait(60_000), "wait(60000) of a broken barrier");
      ctx.at("reset()");
      barrier.reset();
      rule(brokenNow(barrier) === false, "broken must be false after reset()");
      Atomics.store(shared.flags, Flag.reset, 1);
      passOnce(shared, ctx, 0);
    },
    brokenThenAgain(false),
    brokenThenAgain(false),
  ],
  arbiter: judgeRounds(1, false),
  repetitions: 30,
});

/**
 * reset() while two threads wait: both throw BrokenBarrierError, and everyone waits again at once:
 * the barrier must be usable straight away (the reset must not be mistaken for a release, nor the
 * late-waking waiters for new arrivals).
 */
export const resetBreaksWaiters = scenario<Shared>({
  state: state(3),
  reset,
  actors: [
    (shared, ctx) => {
      const { barrier } = shared;
      untilWaiting(shared, ctx, [1, 2]);
      ctx.at("reset() while two threads wait");
      barrier.reset();
      rule(brokenNow(barrier) === false, "broken must be false after reset()");
      passOnce(shared, ctx, 0);
    },
    brokenThenAgain(true),
    brokenThenAgain(true),
  ],
  arbiter: judgeRounds(1, false),
  repetitions: 40,
});

const shortTimeout = 15;
/** How long after its timeout a wait() may still end: generous, a bound for a hang, not a speed test. */
const late = 1_000;

/**
 * Too few parties: wait(15) throws BrokenBarrierError once 15 ms have passed, never before; the
 * other waiter throws too, and the barrier stays broken. Then the same with the constructor's
 * default timeout, on a second barrier.
 */
export const timeoutBreaks = scenario<Shared & { second: Barrier }>({
  state: (memory) => {
    const shared = state(3)(memory);
    return { ...shared, second: new Barrier(3, { timeout: shortTimeout }, memory.int32(Barrier.WORDS)) };
  },
  reset: (shared) => {
    reset(shared);
    shared.second.memory.fill(0);
  },
  actors: [
    (shared, ctx) => {
      const { barrier, second } = shared;
      for (const [which, how] of [
        [barrier, `wait(${shortTimeout})`],
        [second, `wait() with a default timeout of ${shortTimeout}`],
      ] as const) {
        ctx.untilAsleep(1);
        ctx.at(`${how} with 2 of 3 parties`);
        const started = performance.now();
        const result = attempt(() => (which === barrier ? which.wait(shortTimeout) : which.wait()));
        const waited = performance.now() - started;
        rule(
          "threw" in result && isBroken(result.threw),
          `${how} with too few parties must throw BrokenBarrierError when it expires; it ${describe(result)}`,
        );
        rule(waited >= shortTimeout, `${how} gave up after ${waited.toFixed(2)} ms: it must wait the whole timeout`);
        rule(
          waited < shortTimeout + late,
          `${how} threw only after ${waited.toFixed(0)} ms: it must give up soon after its timeout`,
        );
        rule(brokenNow(which) === true, `broken must be true after ${how} expired: a timeout breaks the barrier`);
        ctx.at("wait() of a barrier broken by a timeout");
        expectBroken(() => which.wait(), "wait() of a barrier broken by a timeout");
        ctx.until(() => Atomics.load(shared.answers, 1) !== Answer.none, "actor 1 got an answer from wait()");
        Atomics.store(shared.answers, 1, Answer.none);
        Atomics.store(shared.flags, Flag.reset, which === barrier ? 1 : 2);
      }
    },
    (shared, ctx) => {
      for (const [which, phase] of [
        [shared.barrier, 1],
        [shared.second, 2],
      ] as const) {
        ctx.at("wait(60000) with 2 of 3 parties, until the other's timeout breaks the barrier");
        const result = attempt(() => which.wait(60_000));
        rule(
          "threw" in result && isBroken(result.threw),
          `when another thread's wait() times out, every waiter must get BrokenBarrierError; this wait(60000) ${describe(result)}`,
        );
        record(shared, 1, result);
        ctx.until(() => Atomics.load(shared.flags, Flag.reset) === phase, "actor 0 saw the answer");
      }
    },
  ],
  repetitions: 8,
});

/**
 * The action throws: the last thread's wait() throws that error, the others BrokenBarrierError.
 * After reset() (and with an action that no longer throws) all three pass together again.
 */
export const actionThrows = scenario<Shared>({
  state: state(3, { action: true }),
  reset: (shared) => {
    reset(shared);
    Atomics.store(shared.flags, Flag.actionThrows, 1);
  },
  actors: [
    (shared, ctx) => {
      untilWaiting(shared, ctx, [1, 2]);
      ctx.at("wait() of the last party, whose action throws");
      const result = attempt(() => shared.barrier.wait());
      rule(
        "threw" in result && result.threw instanceof Error && result.threw.message.startsWith("boom"),
        `the last thread's wait() must throw the action's own error (Python re-raises it); it ${describe(result)}`,
      );
      untilBothAnswered(shared, ctx);
      rule(brokenNow(shared.barrier) === true, "broken must be true after the action threw");
      ctx.at("wait() of a barrier broken by its action");
      expectBroken(() => shared.barrier.wait(), "wait() of a barrier broken by its action");
      Atomics.store(shared.flags, Flag.actionThrows, 0);
      ctx.at("reset() after the action threw");
      shared.barrier.reset();
      rule(brokenNow(shared.barrier) === false, "broken must be false after reset()");
      Atomics.store(shared.flags, Flag.reset, 1);
      passOnce(shared, ctx, 0);
    },
    ...crowd(2, (shared: Shared, ctx: ActorContext) => {
      ctx.at("wait() while the action fails");
      const result = attempt(() => shared.barrier.wait());
      record(shared, ctx.actor, result);
      rule(
        "threw" in result && isBroken(result.threw),
        `when the action throws, the other waiters must get BrokenBarrierError; this wait() ${describe(result)}`,
      );
      ctx.until(() => Atomics.load(shared.flags, Flag.reset) === 1, "actor 0 reset the barrier");
      passOnce(shared, ctx, 0);
    }),
  ],
  arbiter: judgeRounds(1, true),
  repetitions: 30,
});

/**
 * A timeout that expires while the last thread runs the action: the generation passes whole or
 * not at all. Either the timed-out wait() breaks the barrier and the last thread's wait() throws
 * BrokenBarrierError too (the reference), or the action's end releases both (Python, whose
 * action runs under the barrier's lock, so no timeout can fire during it). Never one of each.
 */
export const timeoutDuringAction = scenario<Shared>({
  state: state(2, { action: true, tracked: false }),
  reset: (shared) => {
    reset(shared);
    Atomics.store(shared.flags, Flag.slowAction, 1);
  },
  actors: [
    (shared, ctx) => {
      untilWaiting(shared, ctx, [1]);
      ctx.at("wait() of the last party, whose action outlasts the other's timeout");
      const result = attempt(() => shared.barrier.wait());
      record(shared, 0, result);
      ctx.until(() => Atomics.load(shared.answers, 1) !== Answer.none, "actor 1 got an answer from wait(15)");
      const [mine, other] = [Atomics.load(shared.answers, 0), Atomics.load(shared.answers, 1)];
      const passed = (answer: number) => answer > 0;
      rule(
        mine !== Answer.other && other !== Answer.other && passed(mine) === passed(other),
        `a generation passed in part: the last thread's wait() ${describe(result)}, while the other's wait(${shortTimeout}), which timed out during the action, ${other > 0 ? `returned ${other - 1}` : other === Answer.broken ? "threw BrokenBarrierError" : "threw another error"}. ` +
          "When a timeout breaks the barrier, nobody passes; if the release wins, everybody does",
      );
      // Either way the barrier must work again after reset(): nothing left counted in.
      Atomics.store(shared.flags, Flag.slowAction, 0);
      ctx.at("reset() after the generation, then wait() again");
      shared.barrier.reset();
      Atomics.store(shared.flags, Flag.reset, 1);
      againAfterReset(shared, ctx);
    },
    (shared, ctx) => {
      ctx.at(`wait(${shortTimeout}), while the last party's action runs long`);
      record(
        shared,
        1,
        attempt(() => shared.barrier.wait(shortTimeout)),
      );
      ctx.until(() => Atomics.load(shared.flags, Flag.reset) === 1, "actor 0 reset the barrier");
      againAfterReset(shared, ctx);
    },
  ],
  arbiter: ({ answers }) =>
    acceptable(Atomics.load(answers, 1) === Answer.broken ? "broken, nobody passed" : "released, both passed"),
  repetitions: 10,
});

/** After the generation with the slow action and reset(): one more wait(), which must pass. */
function againAfterReset({ barrier }: Shared, ctx: ActorContext): void {
  ctx.at("wait() after reset()");
  const result = attempt(() => barrier.wait(60_000));
  rule(
    "returned" in result && (result.returned === 0 || result.returned === 1),
    `after a generation whose action outlasted a timeout, and reset(), both threads' wait() must pass together; this one ${describe(result)}. Did a thread that left the broken generation stay counted in?`,
  );
}

/**
 * abort() at the same instant as two threads call wait() on a barrier for three: it is never
 * lost, whatever the order: both waits throw BrokenBarrierError and the barrier is broken. Then
 * reset() and again, 20 times a repetition.
 */
export const abortAtTheSameInstant = scenario<Shared>({
  state: state(3),
  reset,
  actors: [
    (shared, ctx) => {
      const { barrier, answers } = shared;
      for (let round = 0; round < abortRounds; round++) {
        lineUp(shared, ctx, 2 * round, 3, 0.2);
        ctx.at("abort()");
        barrier.abort();
        untilBothAnswered(shared, ctx);
        rule(brokenNow(barrier) === true, "broken must be true after abort(), whatever arrived at the same time");
        ctx.at("reset()");
        barrier.reset();
        Atomics.store(answers, 1, Answer.none);
        Atomics.store(answers, 2, Answer.none);
        lineUp(shared, ctx, 2 * round + 1, 3, 0.2);
      }
    },
    ...crowd(2, (shared: Shared, ctx: ActorContext) => {
      for (let round = 0; round < abortRounds; round++) {
        lineUp(shared, ctx, 2 * round, 3, 0.2);
        ctx.at("wait() at the same instant as abort()");
        const result = attempt(() => shared.barrier.wait());
        record(shared, ctx.actor, result);
        rule(
          "threw" in result && isBroken(result.threw),
          `wait() at the same instant as abort() (2 of 3 parties) must throw BrokenBarrierError; it ${describe(result)}`,
        );
        lineUp(shared, ctx, 2 * round + 1, 3, 0.2);
      }
    }),
  ],
  repetitions: 10,
});

const abortRounds = 20;

/** How many generations the pair in abortWhileGenerationsPass may pass at most. */
const pairGenerations = 20_000;

/**
 * abort() while two threads pass a barrier for two over and over, so that the word changes
 * under abort() all the time: it must never be lost. Both threads must end in
 * BrokenBarrierError (the one waiting when it came, and the other at its next wait()).
 */
export const abortWhileGenerationsPass = scenario<Shared>({
  state: state(2, { tracked: false }),
  reset,
  actors: [
    (shared, ctx) => {
      ctx.until(() => Atomics.load(shared.counts, Count.passes) >= 100, "the pair passed 100 generations");
      ctx.at("abort() while the pair passes");
      shared.barrier.abort();
      untilBothAnswered(shared, ctx);
      rule(brokenNow(shared.barrier) === true, "broken must be true after abort(), however busy the barrier was");
      const left = shared.barrier.nWaiting;
      rule(
        left === 0,
        `nWaiting was ${left} once both threads were out of wait(): a thread that leaves wait(), passed or broken, is no longer waiting (an arrival that raced with abort() stayed counted)`,
      );
    },
    ...crowd(2, (shared: Shared, ctx: ActorContext) => {
      let result: ReturnType<typeof attempt> = { returned: 0 };
      for (let i = 0; i < pairGenerations && "returned" in result; i++) {
        ctx.at("wait() of the pair, until abort()");
        result = attempt(() => shared.barrier.wait());
        Atomics.add(shared.counts, Count.passes, 1);
      }
      record(shared, ctx.actor, result);
      rule(
        "threw" in result && isBroken(result.threw),
        `abort() was lost: this thread passed ${pairGenerations} generations and never got BrokenBarrierError (its last wait() ${describe(result)}). An abort() that races with arrivals and releases must still break the barrier`,
      );
    }),
  ],
  repetitions: 10,
});

// ---------------------------------------------------------------------------------------------
// One thread

/** parties, nWaiting and broken on one thread; a barrier for one; abort(), reset(), wait(0). */
export const basics = scenario<Shared>({
  state: state(1, { action: true }),
  reset,
  actors: [
    (shared, ctx) => {
      ctx.at("new Barrier(0)");
      rule(attemptConstruct(0), "new Barrier(0) must throw a RangeError (Python: ValueError)");
      for (const parties of [-1, 1.5, Barrier.MAX_PARTIES + 1, Number.NaN]) {
        rule(
          attemptConstruct(parties),
          `new Barrier(${parties}) must throw a RangeError: parties is an integer from 1 to ${Barrier.MAX_PARTIES}`,
        );
      }
      const most = new Barrier(Barrier.MAX_PARTIES, { timeout: 7 });
      rule(
        most.parties === Barrier.MAX_PARTIES && most.timeout === 7,
        `new Barrier(${Barrier.MAX_PARTIES}, { timeout: 7 }) must keep its parties and timeout`,
      );
      ctx.at("new Barrier(2)");
      const two = new Barrier(2);
      rule(two.parties === 2, `parties must be 2 for new Barrier(2); it was ${two.parties}`);
      rule(two.nWaiting === 0, `a new barrier has nobody waiting: nWaiting was ${two.nWaiting}`);
      rule(brokenNow(two) === false, "a new barrier must not be broken");

      const { counts } = shared;
      for (let round = 0; round < 3; round++) {
        const index = passOnce(shared, ctx, round);
        rule(index === 0, `wait() of a barrier for one must return 0 at once; it returned ${index}`);
        const actions = Atomics.load(counts, Count.actions);
        rule(
          actions === round + 1,
          `the action must run on every wait() of a barrier for one: it ran ${actions} times in ${round + 1} waits`,
        );
      }

      ctx.at("wait() of an aborted barrier for one");
      shared.barrier.abort();
      Atomics.add(shared.arrived, 3, 1); // so that an action run by mistake fails below, saying why
      expectBroken(() => shared.barrier.wait(), "wait() of an aborted barrier for one");
      rule(
        Atomics.load(counts, Count.actions) === 3,
        "wait() of a broken barrier ran the action: a broken barrier lets nobody through, and runs no action",
      );
      shared.barrier.reset();

      ctx.at("wait(0) of a barrier for two");
      expectBroken(() => two.wait(0), "wait(0) with 1 of 2 parties");
      rule(brokenNow(two) === true, "broken must be true after wait(0) timed out");
      rule(
        new Barrier(2, {}, two.memory).broken === true,
        "new Barrier(2, {}, memory) must attach to the same barrier without changing it",
      );
      ctx.at("reset()");
      two.reset();
      rule(brokenNow(two) === false, "broken must be false after reset()");
      ctx.at("abort()");
      two.abort();
      rule(brokenNow(two) === true, "broken must be true after abort()");
      expectBroken(() => two.wait(), "wait() of an aborted barrier");
      two.reset();
      rule(brokenNow(two) === false && two.nWaiting === 0, "after reset() the barrier must be empty and not broken");
      ctx.at("wait(-1) of a barrier for two");
      expectBroken(() => two.wait(-1), "wait(-1) with 1 of 2 parties (a timeout already over)");
      rule(brokenNow(two) === true, "broken must be true after wait(-1)");
      two.reset();
      rule(two.nWaiting === 0, `nWaiting must be 0 after a timed-out wait() and reset(); it was ${two.nWaiting}`);
    },
  ],
  repetitions: 5,
});

/** Whether the constructor refuses `parties` with a RangeError that says why. */
function attemptConstruct(parties: number): boolean {
  return throwsError(() => new Barrier(parties), RangeError);
}
