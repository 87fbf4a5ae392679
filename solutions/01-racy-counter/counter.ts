// Reference: one atomic read-modify-write for the counter; a compare-and-swap loop for the
// withdrawal, because "check, then subtract" must happen as one step.

export function increment(counter: Int32Array): void {
  Atomics.add(counter, 0, 1);
}

export function withdraw(balance: Int32Array, amount: number): boolean {
  let seen = Atomics.load(balance, 0);
  while (seen >= amount) {
    // Subtract only if the balance is still what we checked; otherwise check again with what is there now.
    const before = Atomics.compareExchange(balance, 0, seen, seen - amount);
    if (before === seen) return true;
    seen = before;
  }
  return false;
}
