// Fixtures of the explore mode: small programs whose one bad interleaving the scheduler must find
// every time (and whose good twins it must pass), a deadlock and a lost wakeup it must call at once,
// a spin that never ends (and one that ends on its own count), and virtual time.

import { acceptable, crowd, forbidden, rule, scenario } from "#threadkata/scenario.ts";

/** counter[0]++ in two threads, on a view the code makes itself over the shared buffer. */
export const plainIncrements = scenario<{ buffer: SharedArrayBuffer; offset: number }>({
  state: (memory) => {
    const counter = memory.int32(1);
    return { buffer: counter.buffer as SharedArrayBuffer, offset: counter.byteOffset };
  },
  reset: ({ buffer, offset }) => Atomics.store(new Int32Array(buffer, offset, 1), 0, 0),
  actors: crowd(2, ({ buffer, offset }) => {
    const counter = new Int32Array(buffer, offset, 1);
    counter[0] = counter[0]! + 1; // counter[0]++: a read, then a write
  }),
  arbiter: ({ buffer, offset }) => {
    const got = Atomics.load(new Int32Array(buffer, offset, 1), 0);
    return got === 2 ? acceptable("2") : forbidden(got, `lost an update: 2 increments left ${got}`);
  },
});

/** The same with Atomics.add: right in every interleaving. */
export const atomicIncrements = scenario<{ counter: Int32Array }>({
  state: (memory) => ({ counter: memory.int32(1) }),
  reset: ({ counter }) => Atomics.store(counter, 0, 0),
  actors: crowd(2, ({ counter }) => {
    Atomics.add(counter, 0, 1);
    Atomics.add(counter, 0, 1);
  }),
  arbiter: ({ counter }) =>
    Atomics.load(counter, 0) === 4 ? acceptable("4") : forbidden(Atomics.load(counter, 0), "lost an update"),
});

/** Two spin-free locks (compare-exchange, then sleep) taken in opposite orders. */
function take(lock: Int32Array, index: number): void {
  while (Atomics.compareExchange(lock, index, 0, 1) !== 0) Atomics.wait(lock, index, 1);
}
function give(lock: Int32Array, index: number): void {
  Atomics.store(lock, index, 0);
  Atomics.notify(lock, index);
}
export const oppositeOrders = scenario<{ locks: Int32Array }>({
  state: (memory) => ({ locks: memory.int32(2) }),
  reset: ({ locks }) => locks.fill(0),
  actors: [0, 1].map((first) => ({ locks }: { locks: Int32Array }, ctx: { at(label: string): void }) => {
    ctx.at(`take ${first} then ${1 - first}`);
    take(locks, first);
    take(locks, 1 - first);
    give(locks, 1 - first);
    give(locks, first);
  }),
});

/** A notify before the store it announces: the sleeper may never wake. */
export const notifyBeforeStore = scenario<{ flag: Int32Array }>({
  state: (memory) => ({ flag: memory.int32(1) }),
  reset: ({ flag }) => Atomics.store(flag, 0, 0),
  actors: [
    ({ flag }) => {
      while (Atomics.load(flag, 0) === 0) Atomics.wait(flag, 0, 0);
    },
    ({ flag }) => {
      Atomics.notify(flag, 0);
      Atomics.store(flag, 0, 1);
    },
  ],
});

/** A thread that spins on a word nobody will ever write. */
export const spinsForever = scenario<{ flag: Int32Array }>({
  state: (memory) => ({ flag: memory.int32(1) }),
  actors: [
    ({ flag }) => {
      while (Atomics.load(flag, 0) === 0) {
        // nobody sets it
      }
    },
    () => {},
  ],
});

/**
 * A spin of 3000 reads before a sleep, on a word nobody writes, while the other thread waits for
 * it to sleep: a right answer (microseconds on real hardware), which must not pass for an endless
 * loop, nor make the clock run while it spins.
 */
export const spinThenSleep = scenario<{ flag: Int32Array }>({
  state: (memory) => ({ flag: memory.int32(1) }),
  reset: ({ flag }) => Atomics.store(flag, 0, 0),
  actors: [
    ({ flag }) => {
      const started = performance.now();
      let spins = 0;
      while (spins < 3000 && Atomics.load(flag, 0) === 0) spins++;
      const result = Atomics.wait(flag, 0, 0, 15);
      const took = performance.now() - started;
      rule(spins === 3000, `the spin ended after ${spins} reads of a word nobody wrote`);
      rule(result === "timed-out", `a wait nobody ended returned ${result}`);
      // 3000 steps of a microsecond each, then the 15 ms wait: never the minutes a moving clock would give.
      rule(took >= 15 && took < 20, `3000 reads and a wait of 15 ms took ${took} ms of virtual time`);
    },
    (_, ctx) => {
      ctx.untilAsleep(0);
    },
  ],
});

/** A timed wait nobody ends: it times out after exactly its timeout of virtual time, never before. */
export const virtualTime = scenario<{ word: Int32Array; waited: Int32Array }>({
  state: (memory) => ({ word: memory.int32(1), waited: memory.int32(1) }),
  reset: ({ word }) => Atomics.store(word, 0, 0),
  actors: [
    ({ word, waited }) => {
      const started = performance.now();
      const result = Atomics.wait(word, 0, 0, 50_000);
      const took = performance.now() - started;
      rule(result === "timed-out", `a wait nobody ended returned ${result}`);
      rule(took >= 50_000 && took < 50_001, `a wait of 50 s took ${took} ms of virtual time`);
      Atomics.store(waited, 0, Math.round(took));
    },
    ({ word }) => {
      Atomics.load(word, 0);
    },
  ],
});
