// Read-lock figures, measured in the worker threads. The subject turns a read (summing a shared
// table) into a function that runs it under its lock for reading: an RWLock's read side, or a plain
// lock's only side. Readers only: the figure is how well readers run side by side.

import { now, startLine, stopAll, stopped, type Timed } from "./control.ts";

export interface ReadLockSubject {
  /** A function that runs `body` holding, for reading, the lock whose shared part is `lock`. */
  reading(lock: Int32Array, body: () => void): () => void;
}

export interface ReadInput {
  control: Int32Array;
  lock: Int32Array;
  /** What a reader reads: TABLE_WORDS words, word i holding i. */
  table: Int32Array;
  durationMs: number;
}

export const TABLE_WORDS = 512;
const TABLE_SUM = (TABLE_WORDS * (TABLE_WORDS - 1)) / 2;

export class TornRead extends Error {
  override name = "TornRead";
}

function sum(table: Int32Array): number {
  let total = 0;
  for (let i = 0; i < TABLE_WORDS; i++) total += table[i]!;
  return total;
}

export function tasks(subject: ReadLockSubject) {
  return {
    /** One read from one thread: NotImplementedError shows here. */
    probe({ lock, table }: ReadInput): number {
      let total = 0;
      subject.reading(lock, () => (total = sum(table)))();
      return total;
    },

    /** Several readers on one lock until the first of them sees the time is up. */
    reads({ control, lock, table, durationMs }: ReadInput): Timed {
      let total = 0;
      const read = subject.reading(lock, () => (total = sum(table)));
      startLine(control);
      const start = now();
      const deadline = start + durationMs * 1e6;
      let ops = 0;
      while (!stopped(control)) {
        read();
        if (total !== TABLE_SUM) throw new TornRead(`a read summed the table to ${total}, not ${TABLE_SUM}`);
        if ((++ops & 63) === 0 && now() >= deadline) stopAll(control);
      }
      return { ops, start, end: now() };
    },
  };
}
