// Kata 06's Condition (or the toolkit's SequenceCondition), on the ready TicketLock: ping-pong on
// one condition, and notifyAll() waking many waiters, each of which takes the lock back in turn.

import { TicketLock, type OwnedLock } from "#toolkit/ticket-lock.ts";
import type { Timed } from "./control.ts";
import { drive, FLAG, notifier, partner, waiter, type WakeInput } from "./wake.ts";

interface ConditionLike {
  wait(timeout?: number): boolean;
  notify(n?: number): void;
  notifyAll(): void;
}

export interface ConditionSubject {
  Condition: { WORDS: number; new (lock: OwnedLock, memory?: Int32Array): ConditionLike };
}

/** The lock's words, then the condition's. */
const CONDITION = 16;

const DONE = 2;

export function tasks({ Condition }: ConditionSubject) {
  const make = (memory: Int32Array) => {
    if (CONDITION + Condition.WORDS > memory.length)
      throw new Error(
        `Condition.WORDS is ${Condition.WORDS}; the benchmark has ${memory.length - CONDITION} words for it`,
      );
    const lock = new TicketLock(memory.subarray(0, TicketLock.WORDS));
    return { lock, condition: new Condition(lock, memory.subarray(CONDITION, CONDITION + Condition.WORDS)) };
  };
  return {
    probe({ memory }: WakeInput): boolean {
      const { lock, condition } = make(memory);
      lock.acquire();
      condition.notify();
      const notified = condition.wait(0);
      lock.release();
      return notified;
    },

    pingPong(input: WakeInput): Timed {
      const { lock, condition } = make(input.memory);
      const turn = input.sync;
      if (input.role === "driver") {
        const roundTrip = () => {
          lock.acquire();
          while (Atomics.load(turn, FLAG) !== 0) condition.wait();
          Atomics.store(turn, FLAG, 1);
          condition.notify();
          lock.release();
        };
        return drive(input, roundTrip, () => {
          lock.acquire();
          while (Atomics.load(turn, FLAG) !== 0) condition.wait();
          Atomics.store(turn, FLAG, DONE);
          condition.notifyAll();
          lock.release();
        });
      }
      return partner(input, () => {
        lock.acquire();
        while (Atomics.load(turn, FLAG) === 0) condition.wait();
        const done = Atomics.load(turn, FLAG) === DONE;
        if (!done) {
          Atomics.store(turn, FLAG, 0);
          condition.notify();
        }
        lock.release();
        return !done;
      });
    },

    notifyAll(input: WakeInput): number[] | number {
      const { lock, condition } = make(input.memory);
      const flag = input.sync;
      if (input.role === "notifier") {
        return notifier(
          input,
          (round) => {
            lock.acquire();
            Atomics.store(flag, FLAG, round);
            condition.notifyAll();
            lock.release();
          },
          () => {},
        );
      }
      return waiter(input, (round, arrived) => {
        lock.acquire();
        arrived();
        while (Atomics.load(flag, FLAG) !== round) condition.wait();
        lock.release();
      });
    },
  };
}
