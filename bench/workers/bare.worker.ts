// The baseline of the wake-up figures: bare Atomics.wait / Atomics.notify on one word, no primitive.

import type { Timed } from "./control.ts";
import { drive, FLAG, notifier, partner, waiter, type WakeInput } from "./wake.ts";

const DONE = 2;

export function tasks(_subject: unknown) {
  return {
    probe(): boolean {
      return true;
    },

    pingPong(input: WakeInput): Timed {
      const word = input.sync;
      if (input.role === "driver") {
        return drive(
          input,
          () => {
            Atomics.store(word, FLAG, 1);
            Atomics.notify(word, FLAG, 1);
            while (Atomics.load(word, FLAG) === 1) Atomics.wait(word, FLAG, 1);
          },
          () => {
            Atomics.store(word, FLAG, DONE);
            Atomics.notify(word, FLAG, 1);
          },
        );
      }
      return partner(input, () => {
        while (Atomics.load(word, FLAG) === 0) Atomics.wait(word, FLAG, 0);
        if (Atomics.load(word, FLAG) === DONE) return false;
        Atomics.store(word, FLAG, 0);
        Atomics.notify(word, FLAG, 1);
        return true;
      });
    },

    notifyAll(input: WakeInput): number[] | number {
      const word = input.sync;
      if (input.role === "notifier") {
        return notifier(
          input,
          (round) => {
            Atomics.store(word, FLAG, round);
            Atomics.notify(word, FLAG);
          },
          () => {},
        );
      }
      return waiter(input, (round, arrived) => {
        arrived();
        for (let seen = Atomics.load(word, FLAG); seen !== round; seen = Atomics.load(word, FLAG))
          Atomics.wait(word, FLAG, seen);
      });
    },
  };
}
