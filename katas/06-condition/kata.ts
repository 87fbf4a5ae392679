import type { Kata } from "../kata-type.ts";

export default {
  slug: "06-condition",
  explore: true,
  title: "Build a Condition",
  kind: "build",
  files: ["condition.ts"],
  python: [
    "threading.Condition(lock)",
    "with cond: while not ready: cond.wait()",
    "cond.wait_for(predicate, timeout=...)",
    "cond.notify(n), cond.notify_all()",
  ],
  requires: ["02-lock", "05-event"],
  hints: [
    "wait() releases the lock and sleeps. The danger is the moment in between: a notify() that comes after the release but before the sleep must not be lost. Whatever notify() changes, the waiter must have read it before it released the lock.",
    "Atomics.wait(memory, i, expected) sleeps only while word i still says `expected`. So pick the word and the value while you hold the lock, release, then sleep on that word and value: a change in between makes the wait return at once.",
    "One shared word that notify() bumps (a sequence number) loses no wakeup, but notify(1) then also releases every waiter that has let go of the lock and not yet fallen asleep: they all see the change. notify(n) must wake at most n. Python gives each waiter a lock of its own; give each waiter a word of its own.",
    "Layout: a FIFO queue of waiter slots (head, length, a ring of slot numbers) and one word per slot (0 free, 1 waiting, 2 notified). Only the thread holding the lock touches the queue. wait(): take a free slot, mark it waiting, append it, release the lock, sleep while the slot says waiting, take the lock back, free the slot. notify(n): take up to n slots from the front, set each to notified and Atomics.notify that word.",
    "Timeouts: a waiter whose time runs out and a notify can reach its slot at the same moment. Let both use Atomics.compareExchange from waiting (to timed-out, or to notified): exactly one wins. A timed-out waiter takes its slot out of the queue once it has the lock back. Check isOwned() first in wait() and notify() and throw without the lock.",
    "waitFor(predicate, timeout): result = predicate(); while (!result) { wait(remaining); result = predicate(); then, with a timeout, recompute what remains of it and stop when nothing does }. Return result.",
  ],
} satisfies Kata;
