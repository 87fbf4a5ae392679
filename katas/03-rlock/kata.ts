import type { Kata } from "../kata-type.ts";

export default {
  slug: "03-rlock",
  explore: true,
  title: "Build an RLock",
  kind: "build",
  files: ["rlock.ts"],
  python: [
    "threading.RLock",
    "nested with lock: in one thread",
    "lock.acquire(timeout=...)",
    "lock.acquire(blocking=False)",
  ],
  requires: ["02-lock"],
  hints: [
    "A Lock plus two facts that only the owner ever changes: who owns the lock, and how many times it has acquired it. Three words: the lock word, the owner, the count.",
    'Who is calling? threadId from node:worker_threads is 0 on the main thread; store threadId + 1 in the owner word, so that 0 can mean "nobody" (the stub calls it `me`).',
    "acquire() and tryAcquire(): if the owner word already holds your id, add one to the count and return true without touching the lock word. Otherwise take the lock word as in kata 02, then write your id and set the count to 1.",
    "Reading the owner word from another thread is safe: only the owner writes its own id there, so if you read your id you really own the lock, and any other value means you do not. release() throws unless the owner word holds your id.",
    "release(): count down, and free the lock only at 0. Clear the owner word before you free the lock word, never after: once the lock word is free the next owner writes its id, and your late 0 would erase it.",
    "The lock word has Drepper's three states (0 free, 1 held, 2 held with sleepers): compareExchange 0→1 to take it; otherwise exchange to 2 and Atomics.wait while it says 2, against a deadline. Release exchanges to 0 and notifies one sleeper if it found 2.",
  ],
} satisfies Kata;
