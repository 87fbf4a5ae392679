// The Event kata's scenarios. They run inside worker threads (see harness/scenario.ts).

import { Event } from "#kata/05-event/event.ts";
import {
  acceptable,
  beforeTimeout,
  forbidden,
  rule,
  scenario,
  type ActorContext,
  type SharedMemory,
} from "#threadkata/scenario.ts";

interface Shared {
  event: Event;
  /** Hand-offs between the actors of one repetition, indexed by Flag. */
  flags: Int32Array;
  /** What each actor's wait() returned: 0 not yet, 1 true, 2 false. */
  answers: Int32Array;
}

const Flag = { set: 0, answered: 1, cleared: 2 } as const;
const Answer = { none: 0, true: 1, false: 2 } as const;

function state(memory: SharedMemory): Shared {
  return { event: new Event(memory.int32(Event.WORDS)), flags: memory.int32(3), answers: memory.int32(4) };
}

/** Back to an event that is not set: zero-filled memory (the kata's rule), without calling clear(). */
function reset({ event, flags, answers }: Shared): void {
  event.memory.fill(0);
  flags.fill(0);
  answers.fill(0);
}

function record({ answers }: Shared, ctx: ActorContext, got: boolean): void {
  Atomics.store(answers, ctx.actor, got ? Answer.true : Answer.false);
}

function answered({ answers }: Shared, actor: number): boolean {
  return Atomics.load(answers, actor) !== Answer.none;
}

const waiters = 3;

/** Actor 0 of the wake-up scenarios: waits until every other actor is asleep in wait(). */
function untilAllAsleep(shared: Shared, ctx: ActorContext): void {
  for (let peer = 1; peer <= waiters; peer++) ctx.untilAsleep(peer);
  for (let peer = 1; peer <= waiters; peer++) {
    rule(
      !answered(shared, peer),
      `wait() of an event that is not set returned ${Atomics.load(shared.answers, peer) === Answer.true}: it must block until set()`,
    );
  }
}

function waiter(shared: Shared, ctx: ActorContext): void {
  ctx.at("wait() of an event that is not set");
  const got = shared.event.wait();
  rule(got === true, "wait() without a timeout returned false: it must return true once the event is set");
  record(shared, ctx, got);
}

function judgeAllWoke({ answers }: Shared) {
  const got = [...answers.subarray(1, 1 + waiters)];
  return got.every((a) => a === Answer.true)
    ? acceptable("all woke")
    : forbidden(got.join("/"), `every waiter's wait() should return true after set(); they answered ${got.join(", ")}`);
}

/** Three threads asleep in wait(); one set() must wake them all (a notify with a count of 1 wakes one). */
export const setWakesEveryWaiter = scenario<Shared>({
  state,
  reset,
  actors: [
    (shared, ctx) => {
      untilAllAsleep(shared, ctx);
      ctx.at("set()");
      shared.event.set();
    },
    waiter,
    waiter,
    waiter,
  ],
  arbiter: judgeAllWoke,
  repetitions: 40,
});

/**
 * Python's guarantee: a waiter asleep when set() is called returns true, even if the event is
 * cleared again before it wakes up. set() then clear() at once must not leave anyone asleep.
 */
export const setThenClearStillWakes = scenario<Shared>({
  state,
  reset,
  actors: [
    (shared, ctx) => {
      untilAllAsleep(shared, ctx);
      ctx.at("set() then clear()");
      shared.event.set();
      shared.event.clear();
    },
    waiter,
    waiter,
    waiter,
  ],
  arbiter: judgeAllWoke,
  repetitions: 40,
});

/** Once set, wait() returns true at once, without sleeping, with or without a timeout. */
export const waitAfterSetReturnsAtOnce = scenario<Shared>({
  state,
  reset,
  actors: [
    ({ event, flags }, ctx) => {
      ctx.at("set()");
      event.set();
      Atomics.store(flags, Flag.set, 1);
    },
    ({ event, flags }, ctx) => {
      ctx.until(() => Atomics.load(flags, Flag.set) === 1, "actor 0 set the event");
      const sleepsBefore = ctx.sleeps();
      ctx.at("wait() of a set event");
      rule(event.wait() === true, "wait() of a set event must return true");
      ctx.at("wait(60000) of a set event");
      rule(event.wait(60_000) === true, "wait(60000) of a set event must return true");
      ctx.at("wait(0) of a set event");
      rule(event.wait(0) === true, "wait(0) of a set event must return true");
      rule(ctx.sleeps() === sleepsBefore, "wait() of a set event went to sleep: it must return at once");
      rule(event.isSet(), "isSet() must stay true: wait() does not clear the event");
    },
  ],
  repetitions: 30,
});

/** After clear(), wait() blocks again (it sleeps) until the next set(). */
export const clearMakesWaitBlock = scenario<Shared>({
  state,
  reset,
  actors: [
    (shared, ctx) => {
      const { event, flags } = shared;
      ctx.at("set()");
      event.set();
      ctx.at("clear()");
      event.clear();
      Atomics.store(flags, Flag.cleared, 1);
      ctx.untilAsleep(1);
      rule(!answered(shared, 1), "wait() returned after clear(): it must block until the next set()");
      ctx.at("set()");
      event.set();
    },
    (shared, ctx) => {
      ctx.until(() => Atomics.load(shared.flags, Flag.cleared) === 1, "actor 0 set and cleared the event");
      ctx.at("wait() of a cleared event");
      const got = shared.event.wait();
      record(shared, ctx, got);
      rule(got === true, "wait() returned false: it must return true once the event is set again");
    },
  ],
  repetitions: 30,
});

const shortTimeout = 15;
/** "Not long after the timeout", generously: far above any scheduling delay, far below waiting on. */
const lateBound = 1_000;

/** wait(timeout) on an event nobody sets returns false when the timeout expires, never before. */
export const waitTimesOut = scenario<Shared>({
  state,
  reset,
  actors: [
    ({ event }, ctx) => {
      ctx.at(`wait(${shortTimeout}) of an event that is not set`);
      const started = performance.now();
      const got = event.wait(shortTimeout);
      const waited = performance.now() - started;
      rule(got === false, `wait(${shortTimeout}) returned true, but nobody set the event`);
      rule(
        waited >= shortTimeout,
        `wait(${shortTimeout}) gave up after ${waited.toFixed(2)} ms: it must wait the whole timeout`,
      );
      rule(
        waited < lateBound,
        `wait(${shortTimeout}) gave up only after ${waited.toFixed(0)} ms: once the timeout has passed it must return false, not wait on`,
      );
      ctx.at("wait(0) of an event that is not set");
      rule(event.wait(0) === false, "wait(0) of an event that is not set must return false");
    },
  ],
  repetitions: 10,
});

/** wait(timeout) returns true when the event is set in time, and the waiter slept meanwhile. */
export const waitWithTimeoutSucceeds = scenario<Shared>({
  state,
  reset,
  actors: [
    (shared, ctx) => {
      ctx.untilAsleep(1);
      rule(!answered(shared, 1), "wait(60000) of an event that is not set returned: it must block until set()");
      ctx.at("set()");
      shared.event.set();
    },
    (shared, ctx) => {
      ctx.at("wait(60000) of an event that is not set");
      const { value: got, early } = beforeTimeout(60_000, () => shared.event.wait(60_000));
      record(shared, ctx, got);
      rule(got === true, "wait(60000) returned false: it must return true when the event is set in time");
      rule(early, "wait(60000) returned only when its 60 s ran out: set() never woke it (a lost wakeup)");
    },
  ],
  repetitions: 30,
});

/** The story's stop signal: a background thread works until told to stop, checking with wait(1). */
export const stopSignal = scenario<Shared & { ticks: Int32Array }>({
  state: (memory) => ({ ...state(memory), ticks: memory.int32(1) }),
  reset: (shared) => {
    reset(shared);
    Atomics.store(shared.ticks, 0, 0);
  },
  actors: [
    ({ event, flags, ticks }, ctx) => {
      ctx.until(() => Atomics.load(ticks, 0) >= 3, "the background thread ticked 3 times");
      Atomics.store(flags, Flag.set, 1);
      ctx.at("set() (stop)");
      event.set();
    },
    ({ event, flags, ticks }, ctx) => {
      // Python: while not stop.wait(0.001): tick()
      for (;;) {
        ctx.at("wait(1) in the background loop");
        if (event.wait(1)) break;
        Atomics.add(ticks, 0, 1);
      }
      rule(
        Atomics.load(flags, Flag.set) === 1,
        `wait(1) returned true after ${Atomics.load(ticks, 0)} ticks, but nobody had set the stop event`,
      );
    },
  ],
  repetitions: 20,
});

function throwsNothing(call: () => void, what: string): void {
  try {
    call();
  } catch (error) {
    rule(false, `${what} threw ${String(error)}: it must not`);
  }
}

/** set(), clear() and isSet() on one thread; setting twice or clearing twice is allowed. */
export const basics = scenario<Shared>({
  // An event made with `new Event()`, as a learner would make one.
  state: (memory) => ({ ...state(memory), event: new Event() }),
  actors: [
    ({ event }, ctx) => {
      ctx.at("isSet() of a new event");
      rule(event.isSet() === false, "a new Event must not be set: isSet() returned true");
      ctx.at("set()");
      event.set();
      rule(event.isSet() === true, "isSet() must be true after set()");
      ctx.at("second set()");
      throwsNothing(() => event.set(), "set() of a set event");
      rule(event.isSet() === true, "isSet() must stay true after a second set()");
      ctx.at("clear()");
      event.clear();
      rule(event.isSet() === false, "isSet() must be false after clear()");
      ctx.at("second clear()");
      throwsNothing(() => event.clear(), "clear() of a cleared event");
      rule(event.isSet() === false, "isSet() must stay false after a second clear()");
      ctx.at("new Event(memory) of a set event");
      event.set();
      rule(
        new Event(event.memory).isSet() === true,
        "new Event(memory) must attach to the same event without changing it",
      );
      event.clear();
    },
  ],
  repetitions: 5,
});

const rounds = 200;
const workers = 3;

interface Signals {
  /** Two start signals, used in turn: round r waits on go[r % 2]. */
  go: [Event, Event];
  /** Set by the last worker to arrive in a round. */
  done: Event;
  /** The round actor 0 has started, and the workers' arrivals over all rounds. */
  words: Int32Array;
}

const Word = { round: 0, arrived: 1 } as const;

/**
 * Many set/clear cycles: actor 0 gives a start signal each round, three workers wait for it, the
 * last to arrive signals back. Every set() must wake every worker, round after round.
 */
export const startSignalRounds = scenario<Signals>({
  state: (memory) => ({
    go: [new Event(memory.int32(Event.WORDS)), new Event(memory.int32(Event.WORDS))],
    done: new Event(memory.int32(Event.WORDS)),
    words: memory.int32(2),
  }),
  reset: ({ go, done, words }) => {
    for (const event of [...go, done]) event.memory.fill(0);
    words.fill(0);
  },
  actors: [
    ({ go, done, words }, ctx) => {
      for (let round = 0; round < rounds; round++) {
        ctx.at(`clear() of the other start signal, round ${round}`);
        go[(round + 1) % 2]!.clear();
        Atomics.store(words, Word.round, round);
        ctx.at(`set() of the start signal, round ${round}`);
        go[round % 2]!.set();
        ctx.at(`wait() for the workers, round ${round}`);
        rule(done.wait() === true, "wait() without a timeout returned false");
        rule(
          Atomics.load(words, Word.arrived) === workers * (round + 1),
          `wait() returned before the last worker set the event (round ${round})`,
        );
        done.clear();
      }
    },
    ...Array.from({ length: workers }, () => ({ go, done, words }: Signals, ctx: ActorContext) => {
      for (let round = 0; round < rounds; round++) {
        ctx.at(`wait() for the start signal, round ${round}`);
        rule(go[round % 2]!.wait() === true, "wait() without a timeout returned false");
        const started = Atomics.load(words, Word.round);
        rule(
          started === round,
          `wait() for the start signal of round ${round} returned, but round ${started} was the last started: it returned without a set()`,
        );
        if (Atomics.add(words, Word.arrived, 1) + 1 === workers * (round + 1)) {
          ctx.at(`set() of the done signal, round ${round}`);
          done.set();
        }
      }
    }),
  ],
  arbiter: ({ words }) => {
    const arrived = Atomics.load(words, Word.arrived);
    return arrived === workers * rounds
      ? acceptable("every round")
      : forbidden(arrived, `expected ${workers * rounds} arrivals, got ${arrived}`);
  },
  repetitions: 20,
});

/**
 * Two threads toggle the event as fast as they can while two others wait on it, over and over;
 * the togglers end with set(). Every wait() must return true, and nobody may be left asleep.
 */
export const toggleWhileWaiting = scenario<Shared>({
  state,
  reset,
  actors: [
    ...Array.from({ length: 2 }, () => ({ event }: Shared, ctx: ActorContext) => {
      ctx.at("set() and clear(), over and over");
      ctx.repeatTogether(500, () => {
        event.set();
        event.clear();
      });
      ctx.at("the last set()");
      event.set();
    }),
    ...Array.from({ length: 2 }, () => ({ event }: Shared, ctx: ActorContext) => {
      ctx.at("wait(), over and over");
      ctx.repeatTogether(500, () => {
        rule(event.wait() === true, "wait() without a timeout returned false");
      });
    }),
  ],
  arbiter: ({ event }) =>
    event.isSet()
      ? acceptable("set at the end")
      : forbidden("clear at the end", "the event should be set after the last set()"),
  repetitions: 40,
});
