// A baseline: a test-and-test-and-set spin lock. It never sleeps, so a thread that waits burns its
// core; with more threads than cores the holder may be descheduled while the others spin.
export function guarded(shared: unknown, body: () => void): () => void {
  const word = shared as Int32Array;
  return () => {
    while (Atomics.compareExchange(word, 0, 0, 1) !== 0) {
      while (Atomics.load(word, 0) !== 0);
    }
    body();
    Atomics.store(word, 0, 0);
  };
}
