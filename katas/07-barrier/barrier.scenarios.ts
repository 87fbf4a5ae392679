// The Barrier kata's scenarios. They run inside worker threads (see harness/scenario.ts).
//
// Every thread builds its own Barrier over the same memory, with its own copy of the action (a
// function cannot cross threads). The action below closes over this thread's threadId, so the
// scenarios can tell which thread ran it.

import { threadId } from "node:worker_threads";
import { Barrier } from "#kata/07-barrier/barrier.ts";
import { acceptable, crowd, forbidden, rule, scenario, type ActorContext, type SharedMemory } from "#threadkata/scenario.ts";

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

const Flag = { reset: 0, actionThrows: 1, tickets: 2 } as const;
const Count = { actions: 0, passes: 1, lineUp: 2, perIndex: 3 } as const;
/** 0 not yet; BROKEN threw BrokenBarrierError; OTHER threw something else; index + 1 returned. */
const Answer = { none: 0, broken: -1, other: -2 } as const;

/** The action the scenarios give: checks it runs after every arrival and before any release. */
function countingAction(shared: () => Shared): () => void {
  return () => {
    const { arrived, passed, actionBy, counts, flags, parties } = shared();
    if (Atomics.load(flags, Flag.actionThrows) === 1) throw new Error("boom: the action failed");
    const generation = Atomics.load(counts, Count.actions);
    if (shared().tracked && generation < maxRounds) {
      const got = Atomics.load(arrived, generation);
      rule(got === parties, `the action of generation ${generation} ran when ${got} of ${parties} threads had arrived: it must run once all have`);
      rule(Atomics.load(passed, generation) === 0, `the action of generation ${generation} ran after a thread had passed: it must run before anyone is released`);
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
      flags: memory.int32(3),
      answers: memory.int32(8),
    };
    shared.barrier = new Barrier(parties, { action: options.action ? countingAction(() => shared) : undefined }, words);
    return shared;
  };
}

/** Back to an empty barrier: zero-filled memory (the kata's rule), without calling reset(). */
function reset(shared: Shared): void {
  shared.barrier.memory.fill(0);
  for (const words of [shared.arrived, shared.passed, shared.indices, shared.actionBy, shared.counts, shared.flags, shared.answers]) words.fill(0);
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
  rule(got === parties, `a thread passed the barrier in generation ${round} when only ${got} of ${parties} threads had arrived`);
  rule(Number.isInteger(index) && index >= 0 && index < parties, `wait() returned ${index}: the index must be from 0 to ${parties - 1}`);
  const before = Atomics.or(indices, round, 1 << index);
  rule((before & (1 << index)) === 0, `two threads got index ${index} in generation ${round}: each index 0..${parties - 1} must go to one thread`);
  Atomics.add(passed, round, 1);
  Atomics.add(counts, Count.perIndex + index, 1);
  return index;
}

function judgeRounds(rounds: number, withAction: boolean) {
  return ({ parties, passed, indices, counts }: Shared) => {
    const full = (1 << parties) - 1;
    for (let round = 0; round < rounds; round++) {
      if (Atomics.load(passed, round) !== parties || Atomics.load(indices, round) !== full) {
        return forbidden(`generation ${round}`, `generation ${round}: ${Atomics.load(passed, round)} threads passed with indices ${bits(Atomics.load(indices, round))}; expected ${parties} with 0..${parties - 1}`);
      }
    }
    const actions = Atomics.load(counts, Count.actions);
    if (withAction && actions !== rounds) return forbidden(`${actions} actions`, `the action ran ${actions} times in ${rounds} generations: it must run once per generation`);
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

/** Two threads asleep in wait(); the third's wait() releases all three, and it gets index 2. */
export const waitBlocks = scenario<Shared>({
  state: state(3),
  reset,
  actors: [
    (shared, ctx) => {
      // A wrong nWaiting leaves this stuck, and the failure names what it waited for.
      ctx.at("nWaiting with two threads waiting");
      untilBothWaiting(shared, ctx);
      rule(Atomics.load(shared.passed, 0) === 0, "wait() returned before every party had arrived: it must block");
      const index = passOnce(shared, ctx, 0);
      rule(index === 2, `the last of 3 threads to arrive must get index 2 (arrival order, as in Python); it got ${index}`);
    },
    (shared, ctx) => void passOnce(shared, ctx, 0),
    (shared, ctx) => void passOnce(shared, ctx, 0, "wait(60000)"),
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
    for (let round = 0; round < rounds; round++) passOnce(shared, ctx, round, round % 2 === 0 ? "wait()" : "wait(60000)");
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
      rule(actions === round + 1, `a thread passed generation ${round} when the action had run ${actions} times: it must run exactly once per generation, before the release`);
      if (index === shared.parties - 1) {
        const by = Atomics.load(shared.actionBy, round);
        rule(by === threadId + 1, `the action of generation ${round} ran in thread ${by - 1}, not in the last thread to arrive (thread ${threadId}, index ${index})`);
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
 * Busy-waits until every actor has reached the line for `round`, so that they all call wait() in
 * the same instant (a few nanoseconds apart). Spins without sleeping, so use it with at most as
 * many actors as cores. Gives up after 5 s (the harness's deadline reports a stuck peer first).
 */
function lineUp({ counts, parties }: Shared, ctx: ActorContext, round: number): void {
  ctx.at("lining up with the other thread, before wait()");
  const target = parties * (round + 1);
  Atomics.add(counts, Count.lineUp, 1);
  const started = performance.now();
  for (let spins = 1; Atomics.load(counts, Count.lineUp) < target; spins++) {
    if ((spins & 0xffff) === 0) rule(performance.now() - started < 5_000, `the other thread never reached generation ${round}`);
  }
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
      lineUp(shared, ctx, round);
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
      rule(passes <= parties * actions, `${passes} passes after only ${actions} actions: with 2 parties, each pair passes after its own action`);
      Atomics.add(counts, Count.perIndex + index, 1);
    }
  }),
  arbiter: ({ counts }) => {
    const generations = (4 * groupWaits) / 2;
    const [actions, , , zeros, ones] = [...counts];
    if (actions !== generations || zeros !== generations || ones !== generations) {
      return forbidden(`${actions}/${zeros}/${ones}`, `400 waits on a barrier for 2 should make ${generations} generations: the action ran ${actions} times, index 0 came ${zeros} times, index 1 ${ones} times`);
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
    rule("threw" in result && isBroken(result.threw), `a thread waiting when the barrier broke must get BrokenBarrierError; its wait() ${describe(result)}`);
    if (!againAtOnce) ctx.until(() => Atomics.load(shared.flags, Flag.reset) === 1, "actor 0 reset the barrier");
    passOnce(shared, ctx, 0);
  };
}

/**
 * Waits until actors 1 and 2 have arrived and sleep inside wait(): both asleep, and counted in
 * nWaiting. Asleep alone is not enough: a barrier may also sleep on its way in (on a lock of its
 * own, as Python's does), before it counts itself in.
 */
function untilBothWaiting({ barrier }: Shared, ctx: ActorContext): void {
  ctx.until(() => ctx.asleep(1) && ctx.asleep(2) && barrier.nWaiting === 2, "actors 1 and 2 are asleep in wait() and nWaiting is 2");
}

function untilBothAnswered(shared: Shared, ctx: ActorContext): void {
  ctx.until(() => Atomics.load(shared.answers, 1) !== Answer.none && Atomics.load(shared.answers, 2) !== Answer.none, "actors 1 and 2 got an answer from wait()");
}

/** abort() while two threads wait: both throw, later waits throw, and reset() makes it usable. */
export const abortBreaks = scenario<Shared>({
  state: state(3),
  reset,
  actors: [
    (shared, ctx) => {
      const { barrier } = shared;
      untilBothWaiting(shared, ctx);
      ctx.at("abort()");
      barrier.abort();
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
      untilBothWaiting(shared, ctx);
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
      for (const [which, how] of [[barrier, `wait(${shortTimeout})`], [second, `wait() with a default timeout of ${shortTimeout}`]] as const) {
        ctx.untilAsleep(1);
        ctx.at(`${how} with 2 of 3 parties`);
        const started = performance.now();
        const result = attempt(() => (which === barrier ? which.wait(shortTimeout) : which.wait()));
        const waited = performance.now() - started;
        rule("threw" in result && isBroken(result.threw), `${how} with too few parties must throw BrokenBarrierError when it expires; it ${describe(result)}`);
        rule(waited >= shortTimeout, `${how} gave up after ${waited.toFixed(2)} ms: it must wait the whole timeout`);
        rule(brokenNow(which) === true, `broken must be true after ${how} expired: a timeout breaks the barrier`);
        ctx.at("wait() of a barrier broken by a timeout");
        expectBroken(() => which.wait(), "wait() of a barrier broken by a timeout");
        ctx.until(() => Atomics.load(shared.answers, 1) !== Answer.none, "actor 1 got an answer from wait()");
        Atomics.store(shared.answers, 1, Answer.none);
        Atomics.store(shared.flags, Flag.reset, which === barrier ? 1 : 2);
      }
    },
    (shared, ctx) => {
      for (const [which, phase] of [[shared.barrier, 1], [shared.second, 2]] as const) {
        ctx.at("wait(60000) with 2 of 3 parties, until the other's timeout breaks the barrier");
        const result = attempt(() => which.wait(60_000));
        rule("threw" in result && isBroken(result.threw), `when another thread's wait() times out, every waiter must get BrokenBarrierError; this wait(60000) ${describe(result)}`);
        record(shared, 1, result);
        ctx.until(() => Atomics.load(shared.flags, Flag.reset) === phase, "actor 0 saw the answer");
      }
    },
  ],
  repetitions: 8,
});

/** The action throws: the last thread's wait() throws that error, the others BrokenBarrierError. */
export const actionThrows = scenario<Shared>({
  state: state(3, { action: true }),
  reset: (shared) => {
    reset(shared);
    Atomics.store(shared.flags, Flag.actionThrows, 1);
  },
  actors: [
    (shared, ctx) => {
      untilBothWaiting(shared, ctx);
      ctx.at("wait() of the last party, whose action throws");
      const result = attempt(() => shared.barrier.wait());
      rule("threw" in result && result.threw instanceof Error && result.threw.message.startsWith("boom"), `the last thread's wait() must throw the action's own error (Python re-raises it); it ${describe(result)}`);
      untilBothAnswered(shared, ctx);
      rule(brokenNow(shared.barrier) === true, "broken must be true after the action threw");
      ctx.at("wait() of a barrier broken by its action");
      expectBroken(() => shared.barrier.wait(), "wait() of a barrier broken by its action");
    },
    ...crowd(2, (shared: Shared, ctx: ActorContext) => {
      ctx.at("wait() while the action fails");
      const result = attempt(() => shared.barrier.wait());
      record(shared, ctx.actor, result);
      rule("threw" in result && isBroken(result.threw), `when the action throws, the other waiters must get BrokenBarrierError; this wait() ${describe(result)}`);
    }),
  ],
  repetitions: 30,
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
        rule(actions === round + 1, `the action must run on every wait() of a barrier for one: it ran ${actions} times in ${round + 1} waits`);
      }

      ctx.at("wait(0) of a barrier for two");
      expectBroken(() => two.wait(0), "wait(0) with 1 of 2 parties");
      rule(brokenNow(two) === true, "broken must be true after wait(0) timed out");
      rule(new Barrier(2, {}, two.memory).broken === true, "new Barrier(2, {}, memory) must attach to the same barrier without changing it");
      ctx.at("reset()");
      two.reset();
      rule(brokenNow(two) === false, "broken must be false after reset()");
      ctx.at("abort()");
      two.abort();
      rule(brokenNow(two) === true, "broken must be true after abort()");
      expectBroken(() => two.wait(), "wait() of an aborted barrier");
      two.reset();
      rule(brokenNow(two) === false && two.nWaiting === 0, "after reset() the barrier must be empty and not broken");
    },
  ],
  repetitions: 5,
});

function attemptConstruct(parties: number): boolean {
  try {
    new Barrier(parties);
    return false;
  } catch (error) {
    return error instanceof RangeError;
  }
}
