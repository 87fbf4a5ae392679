import type { Kata } from "../kata-type.ts";

export default {
  slug: "10-deadlock",
  explore: true,
  title: "Fix a deadlocking bank",
  kind: "fix",
  files: ["bank.ts"],
  python: [
    "nested with a: with b: (two locks, opposite orders)",
    "lock ordering by a global key",
    "lock.acquire(blocking=False) / acquire(timeout=...) with back-off",
  ],
  requires: ["01-racy-counter"],
  stubFailsWith: ["Deadlock", "DeadlineExceeded"],
  hints: [
    "Read the failure's first line: it names the cycle. Each thread holds one account's lock and waits for the lock the other holds. Neither can go on, and neither will let go.",
    'A deadlock needs a cycle in "who waits for whom". transfer(0, 1) takes 0 then 1; transfer(1, 0) takes 1 then 0. What if both took the same lock first?',
    "One lock for the whole bank would end the deadlock, and the tests refuse it: transfers between accounts 0 and 1 have nothing to do with 2 and 3, and must run at the same time. Keep one lock per account.",
    "Lock ordering: every thread takes account locks in one global order, the account number, whatever the direction of the money. A thread then only ever waits for a higher number than any lock it holds, so no cycle can close. total() already takes them in that order.",
    "In transfer(), take this.locks[Math.min(from, to)] first and this.locks[Math.max(from, to)] second; move the money from `from` to `to` as before. (The other classic fix: take the first lock, tryAcquire() the second; if that fails, release the first, back off for a random while, and try the whole transfer again. Never return without moving the money.)",
  ],
} satisfies Kata;
