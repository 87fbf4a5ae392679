// Kata 05's Event: ping-pong on two events, and set() waking many waiters.

import type { Timed } from "./control.ts";
import { drive, FLAG, notifier, partner, waiter, type WakeInput } from "./wake.ts";

interface EventLike {
  set(): void;
  clear(): void;
  isSet(): boolean;
  wait(timeout?: number): boolean;
}

export interface EventSubject {
  Event: { WORDS: number; new (memory?: Int32Array): EventLike };
}

/** Where the events live in `memory`: two, 16 words apart. */
const SECOND = 16;

export function tasks({ Event }: EventSubject) {
  const at = (memory: Int32Array, word: number) => {
    if (Event.WORDS > SECOND)
      throw new Error(`Event.WORDS is ${Event.WORDS}; the benchmark gives an event ${SECOND} words`);
    return new Event(memory.subarray(word, word + Event.WORDS));
  };
  return {
    probe({ memory }: WakeInput): boolean {
      const event = at(memory, 0);
      event.set();
      const set = event.isSet() && event.wait(0);
      event.clear();
      return set && !event.isSet();
    },

    pingPong(input: WakeInput): Timed {
      const ping = at(input.memory, 0);
      const pong = at(input.memory, SECOND);
      const done = input.sync;
      if (input.role === "driver") {
        return drive(
          input,
          () => {
            ping.set();
            pong.wait();
            pong.clear();
          },
          () => {
            Atomics.store(done, FLAG, 1);
            ping.set();
          },
        );
      }
      return partner(input, () => {
        ping.wait();
        if (Atomics.load(done, FLAG) !== 0) return false;
        ping.clear();
        pong.set();
        return true;
      });
    },

    notifyAll(input: WakeInput): number[] | number {
      const event = at(input.memory, 0);
      if (input.role === "notifier")
        return notifier(
          input,
          () => event.set(),
          () => event.clear(),
        );
      return waiter(input, (_round, arrived) => {
        arrived();
        event.wait();
      });
    },
  };
}
