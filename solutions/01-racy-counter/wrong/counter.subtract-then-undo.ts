// KNOWN WRONG: subtract first, and put the money back if that went below zero. No coin is handed
// out twice, but for a moment the balance is negative, and every other thread can see it.

export function increment(counter: Int32Array): void {
  Atomics.add(counter, 0, 1);
}

export function withdraw(balance: Int32Array, amount: number): boolean {
  if (Atomics.sub(balance, 0, amount) >= amount) return true;
  Atomics.add(balance, 0, amount);
  return false;
}
