// Kata 01: fix a racy counter. This program works on one thread and breaks on two.
// Read katas/01-racy-counter/README.md first; the hints there get more specific one by one.

/**
 * Adds one to the counter in counter[0]. Many threads call this at the same time,
 * on the same shared memory, and not one increment may be lost.
 */
export function increment(counter: Int32Array): void {
  // TODO: two threads running these two lines at once lose updates. Why? Fix it.
  const value = Atomics.load(counter, 0);
  Atomics.store(counter, 0, value + 1);
}

/**
 * Takes `amount` from the balance in balance[0] if the balance holds at least that much, and
 * returns whether it did. Many threads withdraw from the same account at once: the balance must
 * never go below zero, and a withdrawal that fits must never be refused.
 */
export function withdraw(balance: Int32Array, amount: number): boolean {
  // TODO: each step here is atomic, yet two threads can both take the last coin. Fix it.
  if (Atomics.load(balance, 0) >= amount) {
    Atomics.sub(balance, 0, amount);
    return true;
  }
  return false;
}
