// Kata 02's Lock: the reference or the learner's, as the bundle resolves #kata.
import { Lock } from "#kata/02-lock/lock.ts";

export function guarded(shared: unknown, body: () => void): () => void {
  const memory = shared as Int32Array;
  if (Lock.WORDS > memory.length)
    throw new Error(`Lock.WORDS is ${Lock.WORDS}; the benchmark gives a lock ${memory.length} words`);
  const lock = new Lock(memory.subarray(0, Lock.WORDS));
  return () => {
    lock.acquire();
    body();
    lock.release();
  };
}
