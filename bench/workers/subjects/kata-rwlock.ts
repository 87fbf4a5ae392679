// Kata 16's RWLock, read side: the reference or the learner's, as the bundle resolves #kata.
import { RWLock } from "#kata/16-rwlock/rwlock.ts";

export function reading(memory: Int32Array, body: () => void): () => void {
  if (RWLock.WORDS > memory.length)
    throw new Error(`RWLock.WORDS is ${RWLock.WORDS}; the benchmark gives a lock ${memory.length} words`);
  const lock = new RWLock(memory.subarray(0, RWLock.WORDS));
  return () => {
    lock.acquireRead();
    body();
    lock.releaseRead();
  };
}
