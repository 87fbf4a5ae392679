// KNOWN WRONG: the counter is fixed, the withdrawal is not. "If there is enough, subtract" is two
// atomic steps, not one: two threads both see the last coin, and both take it.

export function increment(counter: Int32Array): void {
  Atomics.add(counter, 0, 1);
}

export function withdraw(balance: Int32Array, amount: number): boolean {
  if (Atomics.load(balance, 0) >= amount) {
    Atomics.sub(balance, 0, amount);
    return true;
  }
  return false;
}
