// KNOWN WRONG: `counter[0]++` on shared memory. It reads, adds and writes in three steps, exactly
// like the Atomics.load/Atomics.store pair it replaced: two threads still lose updates.

export function increment(counter: Int32Array): void {
  counter[0]!++;
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
