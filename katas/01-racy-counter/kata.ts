import type { Kata } from "../kata-type.ts";

export default {
  slug: "01-racy-counter",
  explore: true,
  title: "Fix a racy counter",
  kind: "fix",
  files: ["counter.ts"],
  python: ["counter += 1 in two threading.Thread", "check-then-act (if balance >= amount: balance -= amount)"],
  requires: [],
  hints: [
    "Each Atomics call is atomic on its own. A read, then a write, are two steps: what can another thread do between them?",
    "A lost update: both threads read 41, both write 42. The read and the write must be one indivisible step.",
    "Atomics.add(counter, 0, 1) reads, adds and writes as one step. `counter[0]++` is still three steps.",
    "withdraw() checks, then subtracts: two threads can both pass the check for the last coin. Make the subtraction conditional on the value you checked.",
    "Atomics.compareExchange(balance, 0, seen, seen - amount) subtracts only if the balance is still `seen`; it returns what was there. If that is not `seen`, another thread got in: check again with the new value, in a loop.",
  ],
} satisfies Kata;
