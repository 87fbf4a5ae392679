// KNOWN WRONG: an increment by compare-and-swap that ignores a failed swap. When another thread got
// there first, this increment is simply dropped: a lost update, as before.

export function increment(counter: Int32Array): void {
  const value = Atomics.load(counter, 0);
  Atomics.compareExchange(counter, 0, value, value + 1);
}

export function withdraw(balance: Int32Array, amount: number): boolean {
  let seen = Atomics.load(balance, 0);
  while (seen >= amount) {
    const before = Atomics.compareExchange(balance, 0, seen, seen - amount);
    if (before === seen) return true;
    seen = before;
  }
  return false;
}
