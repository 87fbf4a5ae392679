// The stop event's own scenarios: StopEvent on real worker threads (harness actors), by order, never
// by speed. The program's tests (shutdown.test.ts) then use it as the writers do.

import { StopEvent } from "#kata/12-shutdown/service.ts";
import { rule, scenario, type ActorContext, type SharedMemory } from "#threadkata/scenario.ts";

interface Shared {
  memory: Int32Array;
  answers: Int32Array;
}

/** What a waiter's wait() returned: not yet, false or true. */
const Answer = { none: 0, false: 1, true: 2 } as const;

function state(memory: SharedMemory): Shared {
  return { memory: memory.int32(StopEvent.WORDS), answers: memory.int32(4) };
}

function reset({ memory, answers }: Shared): void {
  memory.fill(0);
  answers.fill(0);
}

export const stopEventBasics = scenario<Shared>({
  proves:
    "a new event is not set; wait(0) and wait(-1) of it return false at once; once set (twice changes nothing) isSet() is true and wait(), wait(0), wait(60000) return true at once; new StopEvent(memory) is the same event",
  state,
  reset,
  repetitions: 3,
  actors: [
    ({ memory }, ctx) => {
      const stop = new StopEvent(memory);
      const fresh = new StopEvent();
      rule(!fresh.isSet() && !stop.isSet(), `a new StopEvent said isSet() true: nobody has set it`);
      ctx.at("wait(0) of an event that is not set");
      rule(stop.wait(0) === false, `wait(0) of an event that is not set returned true`);
      ctx.at("wait(-1) of an event that is not set");
      rule(
        stop.wait(-1) === false,
        `wait(-1) of an event that is not set returned true (a negative timeout is no time at all, as in Python)`,
      );
      ctx.at("set()");
      stop.set();
      stop.set();
      rule(stop.isSet(), `after set() (twice), isSet() was false`);
      rule(
        new StopEvent(memory).isSet(),
        `new StopEvent(memory) over a set event's memory said isSet() false: it is the same event`,
      );
      rule(
        !fresh.isSet(),
        `setting one StopEvent set another made apart from it: each new StopEvent() has memory of its own`,
      );
      // Returning at once is proven by returning at all: a sleep here would last for ever, or a minute.
      ctx.at("wait() of a set event");
      rule(stop.wait() === true, `wait() of a set event returned false`);
      ctx.at("wait(0) of a set event");
      rule(stop.wait(0) === true, `wait(0) of a set event returned false`);
      ctx.at("wait(60000) of a set event");
      rule(stop.wait(60_000) === true, `wait(60000) of a set event returned false`);
      rule(stop.isSet(), `wait() cleared the event`);
    },
  ],
});

const timeout = 25;

export const waitTimesOut = scenario<Shared>({
  proves:
    "wait(timeout) of an event nobody sets returns false once the timeout has passed since the call, never before",
  state,
  reset,
  repetitions: 3,
  actors: [
    ({ memory }, ctx) => {
      const stop = new StopEvent(memory);
      ctx.at(`wait(${timeout}) of an event nobody sets`);
      const started = performance.now();
      const got = stop.wait(timeout);
      const waited = performance.now() - started;
      rule(got === false, `wait(${timeout}) returned true, but nobody set the event`);
      rule(
        waited >= timeout - 0.5,
        `wait(${timeout}) gave up after ${waited.toFixed(2)} ms: it must wait the whole timeout (sleep again for what is left when Atomics.wait returns early)`,
      );
    },
  ],
});

export const setWakesEverySleeper = scenario<Shared>({
  proves: "set() wakes every thread asleep in wait(), with or without a timeout, at once: each returns true",
  state,
  reset,
  repetitions: 5,
  actors: [
    ({ memory, answers }, ctx) => {
      for (const peer of [1, 2, 3]) ctx.untilAsleep(peer);
      for (const peer of [1, 2, 3])
        rule(
          Atomics.load(answers, peer) === Answer.none,
          `wait() of an event nobody had set returned: it must sleep until set()`,
        );
      ctx.at("set()");
      new StopEvent(memory).set();
    },
    ...[undefined, 60_000, 120_000].map((wait) => ({ memory, answers }: Shared, ctx: ActorContext) => {
      ctx.at(`wait(${wait ?? ""}) of an event nobody has set yet`);
      const got = new StopEvent(memory).wait(wait);
      Atomics.store(answers, ctx.actor, got ? Answer.true : Answer.false);
      rule(got === true, `wait(${wait ?? ""}) returned false after set(): it must return true once the event is set`);
    }),
  ],
});
