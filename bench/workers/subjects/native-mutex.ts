// A baseline: V8's own Atomics.Mutex (behind --harmony-struct on Node 20), shared by posting it.
// Its API takes the critical section as a callback: Atomics.Mutex.lock(mutex, body).

interface NativeMutex {
  lock(mutex: unknown, body: () => void): unknown;
}

export function guarded(shared: unknown, body: () => void): () => void {
  const Mutex = (Atomics as unknown as { Mutex?: NativeMutex }).Mutex;
  if (!Mutex) throw new Error("Atomics.Mutex is not available in this worker (run node with --harmony-struct)");
  return () => {
    Mutex.lock(shared, body);
  };
}
