import type { Kata } from "../kata-type.ts";

export default {
  slug: "05-event",
  explore: true,
  title: "Build an Event",
  kind: "build",
  files: ["event.ts"],
  python: [
    "threading.Event",
    "event.set() / event.clear() / event.is_set()",
    "event.wait(timeout=...)",
    "while not stop.wait(0.5): ...",
  ],
  requires: ["02-lock"],
  hints: [
    'Start with set(), clear() and isSet(): the event is one word, and you choose what its values mean, as long as zero (fresh memory) means "not set".',
    "wait(): if the event is not set, sleep with Atomics.wait(memory, 0, <the value you saw>). It returns at once if the word has changed meanwhile, so a set() between your check and your sleep is not missed. Loop: check again after every wake-up.",
    "set(): change the word first, then Atomics.notify(memory, 0) with no count, which wakes every sleeper. A count of 1 is a lock's release, not an event's set().",
    "A timeout is a deadline: compute it once (performance.now() + timeout), and each time you wake up, sleep only for what remains. Return false only when no time remains.",
    "set() then clear() at once: a woken sleeper that runs late finds the flag clear again. If the word only says 0 or 1, it cannot tell that it was set, and sleeps for ever. Make the word remember that something happened.",
    "Count the changes: even means clear, odd means set. set() adds 1 to an even word, clear() adds 1 to an odd word (Atomics.compareExchange in a loop). wait() remembers the even value it saw, sleeps while the word still holds it, and returns true as soon as the word differs.",
  ],
} satisfies Kata;
