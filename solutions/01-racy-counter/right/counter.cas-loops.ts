// KNOWN RIGHT: compare-exchange loops for both: increment() reads, then swaps in the value plus one
// only if nobody changed it meanwhile (what Atomics.add does in one step); withdraw() reads afresh
// with Atomics.load on every round instead of reusing what compareExchange returned.

export function increment(counter: Int32Array): void {
  for (;;) {
    const seen = Atomics.load(counter, 0);
    if (Atomics.compareExchange(counter, 0, seen, seen + 1) === seen) return;
  }
}

export function withdraw(balance: Int32Array, amount: number): boolean {
  for (;;) {
    const seen = Atomics.load(balance, 0);
    if (seen < amount) return false;
    if (Atomics.compareExchange(balance, 0, seen, seen - amount) === seen) return true;
  }
}
