// KNOWN RIGHT: increment() as Atomics.sub of -1 (one read-modify-write, like Atomics.add);
// withdraw() as a do/while compare-exchange loop that carries on from the value compareExchange
// found, and checks the balance against the amount before every try.

export function increment(counter: Int32Array): void {
  Atomics.sub(counter, 0, -1);
}

export function withdraw(balance: Int32Array, amount: number): boolean {
  let expected: number;
  let found = Atomics.load(balance, 0);
  do {
    if (found < amount) return false;
    expected = found;
    found = Atomics.compareExchange(balance, 0, expected, expected - amount);
  } while (found !== expected);
  return true;
}
