// Scenarios that misbehave on purpose, so the harness can prove how it reports each failure.

import { NotImplementedError } from "#threadkata/errors.ts";
import { acceptable, crowd, forbidden, scenario } from "#threadkata/scenario.ts";

const nothing = () => ({});

/** Actor 0 sleeps on a word nobody ever notifies; actor 1 finishes. */
export const lostWakeup = scenario<{ word: Int32Array }>({
  state: (memory) => ({ word: memory.int32(1) }),
  actors: [
    ({ word }, ctx) => {
      ctx.at("waitForever()");
      Atomics.wait(word, 0, 0);
    },
    () => {},
  ],
});

export const endlessLoop = scenario({
  state: nothing,
  actors: [
    (_, ctx) => {
      ctx.at("spinForever()");
      for (;;) {
        // never ends
      }
    },
  ],
});

export const stub = scenario({
  state: nothing,
  actors: [
    () => {
      throw new NotImplementedError("00-fixture", "thing()");
    },
  ],
});

function learnerCode(): never {
  throw new TypeError("cannot read the thing");
}

export const throws = scenario({
  state: nothing,
  actors: [() => learnerCode()],
});

export const exits = scenario({
  state: nothing,
  actors: [() => process.exit(3)],
});

/** Every third repetition is forbidden. */
export const sometimesForbidden = scenario<{ runs: Int32Array }>({
  state: (memory) => ({ runs: memory.int32(1) }),
  actors: [({ runs }) => void Atomics.add(runs, 0, 1)],
  arbiter: ({ runs }) => (Atomics.load(runs, 0) % 3 === 0 ? forbidden("third", "every third run is forbidden") : acceptable("fine")),
  repetitions: 10,
});

/** Does nothing, many times, on four threads: any failure here is the harness's own. */
export const nothingAtAll = scenario({
  state: nothing,
  actors: crowd(4, () => {}),
  repetitions: 5_000,
});
