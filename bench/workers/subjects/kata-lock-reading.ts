// Kata 02's reference Lock (a futex mutex), as a plain lock for readers: one reader at a time.
import { Lock } from "#kata/02-lock/lock.ts";

export function reading(memory: Int32Array, body: () => void): () => void {
  const lock = new Lock(memory.subarray(0, Lock.WORDS));
  return () => {
    lock.acquire();
    body();
    lock.release();
  };
}
