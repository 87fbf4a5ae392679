import type { Kata } from "../kata-type.ts";

export default {
  slug: "07-barrier",
  explore: true,
  title: "Build a Barrier",
  kind: "build",
  files: ["barrier.ts"],
  python: [
    "threading.Barrier",
    "Barrier(parties, action=..., timeout=...)",
    "barrier.abort(), barrier.reset()",
    "threading.BrokenBarrierError",
  ],
  requires: ["05-event"],
  hints: [
    "Everything lives in one word: how many threads have arrived in this generation, whether the barrier is broken, and which generation it is. Draw the bits first: say the count in bits 0-9, a broken bit at 10, the generation from bit 12 up.",
    "Joining is one compareExchange that adds 1 to the count: the value it replaced gives you both your index (the old count) and your generation. Read the generation after counting yourself in, and the last arriver may already have released everyone: you would sleep on the next generation for ever.",
    "The last to arrive (index parties - 1) runs the action, then one compareExchange to the next generation with a count of 0, then Atomics.notify(memory, 0) to wake them all. Notify after that store, never before.",
    "The others loop: if the generation has moved on, they passed (return the index, even if the barrier broke since); else if it is broken, throw BrokenBarrierError; else Atomics.wait(memory, 0, valueSeen, remaining). Check the generation before the broken bit.",
    "abort() sets the broken bit and notifies. A waiter that leaves broken takes itself off the count. A timeout does both in one compareExchange from the value it last saw, notifies, and throws. A failing action breaks the barrier the same way and rethrows its own error.",
    "reset() with nobody inside clears the flags. With threads inside, it sets broken plus a resetting bit, and the last of them to leave clears both. A wait() that finds the resetting bit, or a full count (the action is still running), sleeps until the word changes, then tries again.",
  ],
} satisfies Kata;
