// A queue on real threads, recorded in a History and judged by the linearizability checker: once
// correct (under a lock), once racy (no lock), so the harness can prove it tells them apart.

import { judgeLinearizability } from "#threadkata/linearizability.ts";
import { QueueKind, QueueResult, queueModel } from "#threadkata/models.ts";
import { crowd, scenario, type ActorContext, type History, type SharedMemory } from "#threadkata/scenario.ts";

const capacity = 4;
const operationsPerActor = 100;
const actors = 4;

/** A ring buffer of `capacity` items: test scaffolding, not kata code. */
class RingQueue {
  static readonly WORDS = 4 + capacity;
  private static readonly lock = 0;
  private static readonly head = 1;
  private static readonly count = 2;

  constructor(
    private readonly words: Int32Array,
    private readonly locked: boolean,
  ) {}

  /** put_nowait: false if full. */
  putNowait(item: number, ctx: ActorContext): boolean {
    return this.critical(() => {
      const count = this.load(RingQueue.count);
      if (count === capacity) return false;
      const slot = (this.load(RingQueue.head) + count) % capacity;
      ctx.pause(1); // widens the window a racy version loses items in
      this.store(4 + slot, item);
      this.store(RingQueue.count, count + 1);
      return true;
    });
  }

  /** get_nowait: the front item, or undefined if empty. */
  getNowait(ctx: ActorContext): number | undefined {
    return this.critical(() => {
      const count = this.load(RingQueue.count);
      if (count <= 0) return undefined;
      const head = this.load(RingQueue.head);
      ctx.pause(1);
      const item = this.load(4 + head);
      this.store(RingQueue.head, (head + 1) % capacity);
      this.store(RingQueue.count, count - 1);
      return item;
    });
  }

  reset(): void {
    this.words.fill(0);
  }

  /** A trivial spin lock (compareExchange 0 → 1), napping briefly so a preempted holder can run. */
  private critical<T>(body: () => T): T {
    if (!this.locked) return body();
    for (let spins = 0; Atomics.compareExchange(this.words, RingQueue.lock, 0, 1) !== 0; spins++) {
      if (spins > 64) Atomics.wait(this.words, RingQueue.lock, 1, 0.1);
    }
    try {
      return body();
    } finally {
      Atomics.store(this.words, RingQueue.lock, 0);
    }
  }

  private load(index: number): number {
    return Atomics.load(this.words, index);
  }

  private store(index: number, value: number): void {
    Atomics.store(this.words, index, value);
  }
}

interface Shared {
  queue: RingQueue;
  history: History;
}

function recordedQueue(locked: boolean) {
  return scenario<Shared>({
    state: (memory: SharedMemory) => ({
      queue: new RingQueue(memory.int32(RingQueue.WORDS), locked),
      history: memory.history(actors * operationsPerActor),
    }),
    reset: ({ queue, history }) => {
      queue.reset();
      history.reset();
    },
    actors: crowd(actors, ({ queue, history }, ctx) => {
      for (let i = 0; i < operationsPerActor; i++) {
        if (ctx.random() < 0.5) {
          const item = ctx.actor * 10_000 + i + 1; // distinct items, none of them 0 (an empty slot)
          const op = history.call(ctx.actor, QueueKind.putNowait, item);
          const done = queue.putNowait(item, ctx);
          history.returned(op, done ? QueueResult.none : QueueResult.full);
        } else {
          const op = history.call(ctx.actor, QueueKind.getNowait);
          const item = queue.getNowait(ctx);
          history.returned(op, item ?? QueueResult.empty);
        }
        ctx.pause(2);
      }
    }),
    arbiter: ({ history }) => judgeLinearizability(history.operations(), queueModel(capacity)),
    repetitions: 20,
  });
}

/** Four actors on a queue under a lock: every history is linearizable. */
export const lockedQueue = recordedQueue(true);

/** The same queue without its lock: items are lost and got twice, and the check says so. */
export const racyQueue = recordedQueue(false);

/** One actor records more operations than the history holds: a rule breaks, nothing is dropped. */
export const overfullHistory = scenario<{ history: History }>({
  state: (memory) => ({ history: memory.history(3) }),
  reset: ({ history }) => history.reset(),
  actors: [
    ({ history }, ctx) => {
      for (let i = 0; i < 4; i++) history.returned(history.call(ctx.actor, QueueKind.putNowait, i), QueueResult.none);
    },
  ],
});
