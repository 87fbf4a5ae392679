// How a lock tells the harness who holds it and who waits for it, so that a deadlock's failure can
// name the cycle ("actor 0 holds account 0 and waits for account 1; actor 1 holds account 1 and
// waits for account 0"). The harness's actor runtime installs an observer in each worker thread;
// outside the harness there is none, and a lock's calls cost one property lookup.
//
//   lockObserver()?.waiting(this.memory);    before it goes to sleep for the lock, or when a try fails
//                                            (a thread that retries in a loop waits for it too; the
//                                            mark lasts until it next acquires or releases a lock)
//   lockObserver()?.acquired(this.memory);   once it holds the lock (also after a tryAcquire that won)
//   lockObserver()?.released(this.memory);   as it lets go
//
// A lock is known by where its memory sits in the scenario's shared memory (every thread's views
// line up), so a lock the harness should report must live there: `memory.int32(...)` in `state`.
// Scenarios name locks for the messages with nameLock(lock, "account 3") (scenario.ts).

export interface LockObserver {
  waiting(lock: Int32Array): void;
  acquired(lock: Int32Array): void;
  released(lock: Int32Array): void;
  /** Names a lock in failure messages. */
  name(lock: Int32Array, name: string): void;
}

export const lockObserverKey = Symbol.for("threadkata.locks");

/** The observer of this thread, if the harness runs it. */
export function lockObserver(): LockObserver | undefined {
  return (globalThis as unknown as Record<symbol, LockObserver | undefined>)[lockObserverKey];
}
