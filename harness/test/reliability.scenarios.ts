// Answers that misbehave in the ways a learner's can, beyond a wrong result: the harness must report
// each under the test it belongs to, and go on (harness/test/reliability.test.ts).

import { crowd, rule, scenario } from "#threadkata/scenario.ts";

const nothing = () => ({});

/** Keeps every array it makes: the thread reaches its heap limit inside put(). */
export const allocates = scenario({
  state: nothing,
  actors: [
    (_, ctx) => {
      ctx.at("put()");
      const kept: number[][] = [];
      for (;;) kept.push(new Array(100_000).fill(ctx.repetition + 0.5));
    },
    () => {},
  ],
});

/**
 * Actor 0 breaks a rule at once; actor 1 is asleep in the code under test for a moment (not in a
 * harness wait, so the abort does not reach it) and throws when it wakes: after the test has failed,
 * but soon enough for the harness to keep its thread.
 */
export const lateThrower = scenario({
  state: (memory) => memory.int32(1),
  actors: [
    (word) => {
      Atomics.store(word, 0, 1);
      rule(false, "the first failure: the one this test reports");
    },
    (word) => {
      while (Atomics.load(word, 0) === 0) {
        // until actor 0 has failed the test (a busy machine may start it late)
      }
      Atomics.wait(word, 0, 1, 60);
      throw new Error("a late error from lateThrower: it must never be reported under another test");
    },
  ],
  repetitions: 1,
});

/** Like lateThrower, but the late error comes from a timer actor 1 left behind: nothing catches it. */
export const timerThrower = scenario({
  state: (memory) => memory.int32(1),
  actors: [
    (word) => {
      Atomics.store(word, 0, 1);
      rule(false, "the first failure: the one this test reports");
    },
    (word, ctx) => {
      while (Atomics.load(word, 0) === 0) {
        // until actor 0 has failed the test (a busy machine may start it late)
      }
      setTimeout(() => {
        throw new Error("a late error from timerThrower's timer: it must never be reported under another test");
      }, 100);
      // In a harness wait when the test fails: the thread comes back at once, and is kept.
      ctx.until(() => false, "the test fails");
    },
  ],
  repetitions: 1,
});

/** Two threads that keep busy for 40 ms a repetition: the late errors of the test before come while it runs. */
export const busyAfterwards = scenario({
  state: nothing,
  actors: crowd(2, () => {
    const until = performance.now() + 40;
    while (performance.now() < until) {
      // busy
    }
  }),
  repetitions: 5,
});

/** Two threads that do nothing: what runs after lateThrower, on the same threads. */
export const quietAfterwards = scenario({
  state: nothing,
  actors: crowd(2, () => {}),
  repetitions: 50,
});
