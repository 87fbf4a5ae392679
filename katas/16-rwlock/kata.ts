import type { Kata } from "../kata-type.ts";

export default {
  slug: "16-rwlock",
  explore: true,
  title: "Build a readers-writer lock",
  kind: "build",
  files: ["rwlock.ts"],
  python: [
    "a readers-writer lock on threading.Condition",
    "acquire_read() / release_read(), acquire_write() / release_write()",
    "cond.wait_for(lambda: not writer and not writers_waiting, timeout)",
    "writer preference: a waiting writer holds back new readers",
  ],
  requires: ["02-lock", "06-condition"],
  hints: [
    "Write down what a thread must know to decide whether it may come in: how many readers are inside, whether a writer is inside, and whether a writer is waiting. A reader may come in only if no writer is inside and none waits; a writer only if nobody at all is inside.",
    "The decision and the entry must be one indivisible step, or two threads both decide the way is clear. Pack the three facts into one word (say readers in bits 0-14, waiting writers in bits 15-29, a writer inside at bit 30): then Atomics.compareExchange(memory, 0, seen, seen + 1) lets a reader in only if the word is still what it decided on. If it returns something else, decide again with what it returned.",
    "Writer preference: acquireWrite() first adds one to the waiting writers (Atomics.add, before it looks), so from that instant every new reader finds the door shut and the readers inside drain away. When nobody is inside, one compareExchange takes it from waiting to inside: minus one waiting writer, plus the writer bit.",
    "Sleeping: Atomics.wait(memory, 0, seen, remaining) on the word itself, with the value you decided on. It returns at once if the word has changed since, so a change between your look and your sleep is never missed; but nothing wakes a sleeper unless someone calls Atomics.notify after a change that may let it in.",
    "Three changes may let someone in, and each must notify: the last reader out while writers wait; the writer leaving (releaseWrite); and the last waiting writer giving up. Readers and writers sleep on the same word, so notify them all: notify(…, 1) may wake a reader, who sleeps again, and leave the writer asleep.",
    'Timeouts: compute the deadline once (performance.now() + timeout); sleep only for what remains, and return false only when nothing does. A writer that gives up must take back its "waiting" in the same word (Atomics.sub) and, if it was the last, wake the readers it held back. A reader that gives up has nothing to undo.',
    "releaseRead() must check and count down in one step (a compareExchange loop that throws when the count is 0): a bare Atomics.sub on 0 borrows from the writers' bits. releaseWrite() checks a second word that holds the writer's `me`, clears it before it frees the lock (as in kata 03), then clears the writer bit and notifies everyone.",
  ],
} satisfies Kata;
