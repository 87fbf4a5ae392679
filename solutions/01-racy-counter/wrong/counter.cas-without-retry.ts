// KNOWN WRONG: a compare-and-swap with no retry. When another thread changes the balance between the
// load and the swap, the swap fails and the withdrawal is refused although the money is there.

export function increment(counter: Int32Array): void {
  Atomics.add(counter, 0, 1);
}

export function withdraw(balance: Int32Array, amount: number): boolean {
  const seen = Atomics.load(balance, 0);
  return seen >= amount && Atomics.compareExchange(balance, 0, seen, seen - amount) === seen;
}
