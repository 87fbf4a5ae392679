import type { Kata } from "../kata-type.ts";

export default {
  slug: "04-semaphore",
  explore: true,
  title: "Build a Semaphore",
  kind: "build",
  files: ["semaphore.ts"],
  python: ["threading.Semaphore", "threading.BoundedSemaphore", "with semaphore:", "semaphore.release(n)"],
  requires: ["02-lock"],
  hints: [
    "Start with tryAcquire(): a permit is free while memory[0] (the permits in use) is below this.initial. Taking it must be one indivisible step: what happens when two threads both see the last permit free?",
    "tryAcquire() is a compare-exchange loop: read `taken`; while taken < initial, Atomics.compareExchange(memory, 0, taken, taken + 1). If it returns something other than `taken`, another thread got in: try again with what it returned.",
    "acquire(): while tryAcquire() fails, sleep with Atomics.wait(memory, 0, this.initial, remaining). It sleeps only while every permit is in use, so a release between your check and your sleep is not missed. Compute the deadline once (performance.now() + timeout) and return false only when no time remains, even after an early wake-up.",
    "release(n): give the permits back first (Atomics.sub), then Atomics.notify(memory, 0, n). n permits can let n sleepers through; notify(memory, 0, 1) leaves n - 1 of them asleep with permits free.",
    "BoundedSemaphore.release(n): 'would taken - n go below 0?' and the subtraction must be one step. Use a compare-exchange loop again, and throw before it changes anything.",
    "To skip the notify when nobody sleeps, count possible sleepers in memory[1]. A waiter adds 1 before its last tryAcquire() and sleep, and subtracts 1 when it leaves acquire(); release() notifies only if memory[1] > 0. Order matters: the waiter announces itself before it looks, and the releaser gives permits back before it checks for sleepers.",
  ],
} satisfies Kata;
