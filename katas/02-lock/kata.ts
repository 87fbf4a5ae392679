import type { Kata } from "../kata-type.ts";

export default {
  slug: "02-lock",
  explore: true,
  title: "Build a Lock",
  kind: "build",
  files: ["lock.ts"],
  python: ["threading.Lock", "with lock:", "lock.acquire(timeout=...)", "lock.acquire(blocking=False)"],
  requires: ["01-racy-counter"],
  hints: [
    "Start with tryAcquire(): one Atomics.compareExchange from 0 (free) to 1 (held) takes the lock only if it was free.",
    "acquire(): while tryAcquire() fails, sleep with Atomics.wait(memory, 0, 1). It returns at once if the word is no longer 1, so a release between your check and your sleep is not missed.",
    "release(): the store that frees the lock comes first, Atomics.notify(memory, 0, 1) second. Wake before the store, and the woken thread finds the lock still held and sleeps again, for ever.",
    "release() of a free lock must throw: Atomics.exchange(memory, 0, 0) frees the lock and tells you, in the same step, whether it was held.",
    "A timeout is a deadline: compute it once (performance.now() + timeout), and each time you wake up, sleep only for what remains. Return false only when no time remains.",
    'To skip the notify when nobody waits, use three states: 0 free, 1 held, 2 held with sleepers (Ulrich Drepper, "Futexes Are Tricky"). A waiter sets 2 with Atomics.exchange before it sleeps; release() notifies only if it found 2.',
  ],
} satisfies Kata;
