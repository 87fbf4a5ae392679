// Lock figures, measured in the worker threads. The subject turns a critical section into a
// function that runs it under the lock; the body bumps a plain (non-atomic) counter, so a lock that
// lets two threads in at once shows as lost updates, and its figures are not reported.

import { busy, now, startLine, stopAll, stopped, type Timed } from "./control.ts";

export interface LockSubject {
  /** A function that runs `body` while holding the lock whose shared part is `shared`. */
  guarded(shared: unknown, body: () => void): () => void;
}

export interface LockInput {
  control: Int32Array;
  shared: unknown;
  counter: Int32Array;
  durationMs: number;
  /** Busy work inside the critical section, and between two acquisitions. */
  inside: number;
  outside: number;
}

export function tasks(subject: LockSubject) {
  return {
    /** Acquire and release once, from one thread: NotImplementedError shows here. */
    probe({ shared, counter }: LockInput): number {
      subject.guarded(shared, () => {
        counter[0] = counter[0]! + 1;
      })();
      return counter[0]!;
    },

    /** One thread alone: acquire + release, back to back. */
    uncontended({ control, shared, counter, durationMs }: LockInput): Timed {
      const section = subject.guarded(shared, () => {
        counter[0] = counter[0]! + 1;
      });
      startLine(control);
      const start = now();
      const deadline = start + durationMs * 1e6;
      let ops = 0;
      let end = start;
      do {
        for (let i = 0; i < 1024; i++) section();
        ops += 1024;
        end = now();
      } while (end < deadline);
      return { ops, start, end };
    },

    /** Several threads on one lock until the first of them sees the time is up. */
    contended({ control, shared, counter, durationMs, inside, outside }: LockInput): Timed {
      const section = subject.guarded(
        shared,
        inside > 0
          ? () => {
              counter[0] = counter[0]! + 1;
              busy(inside);
            }
          : () => {
              counter[0] = counter[0]! + 1;
            },
      );
      startLine(control);
      const start = now();
      const deadline = start + durationMs * 1e6;
      let ops = 0;
      while (!stopped(control)) {
        section();
        if (outside > 0) busy(outside);
        if ((++ops & 63) === 0 && now() >= deadline) stopAll(control);
      }
      return { ops, start, end: now() };
    },
  };
}
