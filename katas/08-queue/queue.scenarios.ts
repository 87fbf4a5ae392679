// The BoundedQueue kata's scenarios. They run inside worker threads (see harness/scenario.ts).

import { BoundedQueue } from "#kata/08-queue/queue.ts";
import { judgeLinearizability } from "#threadkata/linearizability.ts";
import { QueueKind, QueueResult, queueModel } from "#threadkata/models.ts";
import {
  acceptable,
  forbidden,
  rule,
  scenario,
  throws,
  type Actor,
  type ActorContext,
  type History,
  type SharedMemory,
} from "#threadkata/scenario.ts";

const Flag = { put: 0, got: 1, returned: 2, done: 3 } as const;

interface Shared {
  queue: BoundedQueue;
  /** Hand-offs between the actors of one repetition, indexed by Flag. */
  flags: Int32Array;
}

function withQueue(capacity: number) {
  return (memory: SharedMemory): Shared => ({
    queue: new BoundedQueue(capacity, memory.int32(BoundedQueue.words(capacity))),
    flags: memory.int32(4),
  });
}

/** Back to an empty queue: zero-filled memory (the kata's rule). */
function reset({ queue, flags }: Shared): void {
  queue.memory.fill(0);
  flags.fill(0);
}

/**
 * Whether `call` threw the queue's `expected` error (Full or Empty): true if it did, false if it
 * returned. Anything else it throws goes on up, so a stub's NotImplementedError or a crash is
 * reported as itself.
 */
function threwOnly(expected: "Full" | "Empty", call: () => unknown): boolean {
  try {
    call();
    return false;
  } catch (error) {
    if (error instanceof Error && error.name === expected) return true;
    throw error;
  }
}

function throwsRangeError(call: () => unknown): boolean {
  try {
    call();
    return false;
  } catch (error) {
    return error instanceof RangeError;
  }
}

/** One thread: FIFO order, size(), isEmpty(), isFull(), the nowait errors and taskDone()'s count. */
function basicsAt(capacity: number): Actor<Shared, undefined> {
  return ({ queue }, ctx) => {
    ctx.at(`isEmpty() of a new queue of ${capacity}`);
    rule(
      queue.isEmpty() && !queue.isFull() && queue.size() === 0,
      `a new queue of ${capacity} must be empty: isEmpty() true, isFull() false, size() 0`,
    );
    ctx.at("join() of a new queue");
    queue.join();
    ctx.at("new BoundedQueue(0) and new BoundedQueue(1.5)");
    for (const bad of [0, 1.5, -1])
      rule(
        throwsRangeError(() => new BoundedQueue(bad)),
        `new BoundedQueue(${bad}) must throw a RangeError: a queue holds at least 1 item, a whole number of them`,
      );
    const own = new BoundedQueue(capacity);
    rule(own.capacity === capacity, "capacity must be the number given to the constructor");
    ctx.at("put(4), get() on a queue with memory of its own");
    own.put(4);
    rule(
      own.get() === 4 && own.isEmpty(),
      "a queue made without memory (new BoundedQueue(capacity)) must work as well",
    );
    for (let item = 0; item < capacity; item++) {
      ctx.at(`put(${item}) into a queue of ${capacity}`);
      queue.put(item);
      rule(queue.size() === item + 1, `size() after ${item + 1} put() calls returned ${queue.size()}`);
      rule(!queue.isEmpty(), `isEmpty() must be false with ${item + 1} item(s) in the queue`);
      if (item + 1 < capacity) rule(!queue.isFull(), `isFull() must be false with ${item + 1} of ${capacity} items`);
    }
    rule(queue.isFull() && !queue.isEmpty(), `after ${capacity} put() calls, a queue of ${capacity} must be full`);
    ctx.at("putNowait() into a full queue");
    rule(
      threwOnly("Full", () => queue.putNowait(-1)),
      "putNowait() into a full queue must throw Full; it returned",
    );
    rule(queue.size() === capacity, "putNowait() into a full queue changed its size");
    for (let item = 0; item < capacity; item++) {
      ctx.at("get()");
      const got = queue.get();
      rule(got === item, `get() returned ${got}, but ${item} was put before it: a queue is first in, first out`);
    }
    rule(queue.isEmpty(), "after as many get() calls as put() calls, the queue must be empty");
    ctx.at("getNowait() from an empty queue");
    rule(
      threwOnly("Empty", () => queue.getNowait()),
      "getNowait() from an empty queue must throw Empty; it returned",
    );
    rule(queue.size() === 0 && queue.isEmpty(), "getNowait() from an empty queue changed its size");
    ctx.at("put() and get() around the ring");
    // With room for two, one item stays waiting, so each get() returns the item put before.
    const ahead = capacity > 1 ? 1 : 0;
    if (ahead) queue.put(-1);
    for (let item = 0; item < capacity + 2; item++) {
      queue.putNowait(item);
      const got = queue.getNowait();
      rule(
        got === item - ahead,
        `get() returned ${got}, but ${item - ahead} was put before it: first in, first out, also when the queue wraps around its memory`,
      );
      rule(queue.size() === ahead, `size() with ${ahead} item(s) waiting returned ${queue.size()}`);
    }
    if (ahead) rule(queue.get() === capacity + 1, "the last item put must come out last");
    ctx.at("any 32-bit integer is an item");
    for (const item of [0, -2, 2 ** 31 - 1, -(2 ** 31)]) {
      queue.put(item);
      const got = queue.get();
      rule(got === item, `put(${item}) then get() returned ${got}: items are any 32-bit integers`);
    }
    ctx.at("putNowait() and getNowait() with room");
    queue.putNowait(7);
    rule(queue.getNowait() === 7, "getNowait() must return the item putNowait() put");
    ctx.at("taskDone() for every item");
    const puts = capacity + 1 + (capacity > 1 ? 1 : 0) + (capacity + 2) + 4;
    for (let item = 0; item < puts; item++) queue.taskDone();
    ctx.at("taskDone() once too often");
    rule(
      throws(() => queue.taskDone()),
      `taskDone() called more times than items were put (${puts}) must throw`,
    );
    ctx.at("taskDone() again, after a put(), once the one too many threw");
    queue.put(5);
    queue.get();
    rule(
      !throws(() => queue.taskDone()),
      "taskDone() for an item put after a taskDone() that threw must not throw: the one that threw must change nothing",
    );
    rule(
      throws(() => queue.taskDone()),
      "taskDone() once too often must throw, every time",
    );
    ctx.at("join() with every task done");
    queue.join();
    rule(
      new BoundedQueue(capacity, queue.memory).isEmpty(),
      "new BoundedQueue(capacity, memory) must attach to the same queue",
    );
  };
}

export const basicsCapacity1 = scenario<Shared>({ state: withQueue(1), reset, actors: [basicsAt(1)], repetitions: 5 });
export const basicsCapacity1024 = scenario<Shared>({
  state: withQueue(1024),
  reset,
  actors: [basicsAt(1024)],
  repetitions: 5,
});

const shortTimeout = 15;
/** How long after its timeout a call may still end: generous, a bound for a hang, not a speed test. */
const late = 1_000;

/** get(timeout) on an empty queue and put(item, timeout) on a full one throw when it expires, never before. */
export const timeouts = scenario<Shared>({
  state: withQueue(1),
  reset,
  actors: [
    ({ queue }, ctx) => {
      ctx.at(`get(${shortTimeout}) from an empty queue`);
      let started = performance.now();
      const empty = threwOnly("Empty", () => queue.get(shortTimeout));
      let waited = performance.now() - started;
      rule(empty, `get(${shortTimeout}) from a queue nobody fills must throw Empty; it returned`);
      rule(
        waited >= shortTimeout,
        `get(${shortTimeout}) gave up after ${waited.toFixed(2)} ms: it must wait the whole timeout`,
      );
      rule(
        waited < shortTimeout + late,
        `get(${shortTimeout}) threw only after ${waited.toFixed(0)} ms: it must give up soon after its timeout`,
      );
      rule(queue.size() === 0, `a get() that timed out must take nothing: size() is ${queue.size()}`);
      ctx.at("get(0) from an empty queue");
      rule(
        threwOnly("Empty", () => queue.get(0)),
        "get(0) from an empty queue must throw Empty at once; it returned",
      );
      ctx.at("put(1) into the empty queue");
      queue.put(1);
      ctx.at(`put(2, ${shortTimeout}) into a full queue`);
      started = performance.now();
      const full = threwOnly("Full", () => queue.put(2, shortTimeout));
      waited = performance.now() - started;
      rule(full, `put(2, ${shortTimeout}) into a queue nobody empties must throw Full; it returned`);
      rule(
        waited >= shortTimeout,
        `put(2, ${shortTimeout}) gave up after ${waited.toFixed(2)} ms: it must wait the whole timeout`,
      );
      rule(
        waited < shortTimeout + late,
        `put(2, ${shortTimeout}) threw only after ${waited.toFixed(0)} ms: it must give up soon after its timeout`,
      );
      rule(queue.size() === 1, `a put() that timed out must not add its item: size() is ${queue.size()}`);
      ctx.at("put(3, 0) into a full queue");
      rule(
        threwOnly("Full", () => queue.put(3, 0)),
        "put(3, 0) into a full queue must throw Full at once; it returned",
      );
      ctx.at("get() of the one item, after the put() that timed out");
      rule(queue.get() === 1 && queue.isEmpty(), "a put() that timed out must not add its item");
      ctx.at(`get(${shortTimeout}) and put(4, ${shortTimeout}) that need not wait`);
      queue.put(4, shortTimeout);
      rule(queue.get(shortTimeout) === 4, `get(${shortTimeout}) must return the item waiting in the queue`);
      ctx.at("taskDone() for the items put");
      for (let i = 0; i < 2; i++) queue.taskDone();
      queue.join();
    },
  ],
  repetitions: 10,
});

/**
 * get() on an empty queue sleeps until an item arrives, and returns that item; then the same for
 * get(60000), which must return the item that arrives in time.
 */
export const getBlocksWhileEmpty = scenario<Shared>({
  state: withQueue(2),
  reset,
  actors: [
    ({ queue, flags }, ctx) => {
      for (const [item, returned] of [
        [42, 1],
        [43, 2],
      ] as const) {
        ctx.until(() => Atomics.load(flags, Flag.returned) === returned - 1, `actor 1 called get() number ${returned}`);
        ctx.untilAsleep(1);
        rule(
          Atomics.load(flags, Flag.returned) === returned - 1,
          `${returned === 1 ? "get()" : "get(60000)"} from an empty queue returned: it must block until an item arrives`,
        );
        ctx.at(`put(${item})`);
        queue.put(item);
      }
    },
    ({ queue, flags }, ctx) => {
      ctx.at("get() from an empty queue");
      const got = queue.get();
      Atomics.store(flags, Flag.returned, 1);
      rule(got === 42, `get() returned ${got}; the only item put was 42`);
      ctx.at("get(60000) from an empty queue");
      let timed: number | undefined;
      const empty = threwOnly("Empty", () => (timed = queue.get(60_000)));
      Atomics.store(flags, Flag.returned, 2);
      rule(
        !empty && timed === 43,
        `get(60000) ${empty ? "threw Empty" : `returned ${timed}`} though 43 was put in time: it must return the item`,
      );
    },
  ],
  repetitions: 30,
});

/**
 * put() on a full queue sleeps until a get() makes room, then adds its item behind the others;
 * then the same for put(3, 60000), which must add its item once room appears in time.
 */
export const putBlocksWhileFull = scenario<Shared>({
  state: withQueue(1),
  reset,
  actors: [
    ({ queue, flags }, ctx) => {
      ctx.at("put(1)");
      queue.put(1);
      Atomics.store(flags, Flag.put, 1);
      for (const [first, then, returned] of [
        [1, 2, 1],
        [2, 3, 2],
      ] as const) {
        ctx.until(() => Atomics.load(flags, Flag.got) === returned - 1, `actor 1 called put() number ${returned}`);
        ctx.untilAsleep(1);
        rule(
          Atomics.load(flags, Flag.returned) === returned - 1,
          `${returned === 1 ? "put(2)" : "put(3, 60000)"} into a full queue returned: it must block until there is room`,
        );
        ctx.at("get() from a full queue");
        rule(queue.get() === first, `get() must return ${first}, the item at the front`);
        ctx.until(() => Atomics.load(flags, Flag.returned) === returned, `actor 1's put(${then}) returned`);
      }
      ctx.at("get() after the blocked put()");
      rule(queue.get() === 3, "get() must return the item the blocked put(3, 60000) added");
    },
    ({ queue, flags }, ctx) => {
      ctx.until(() => Atomics.load(flags, Flag.put) === 1, "actor 0 filled the queue");
      ctx.at("put(2) into a full queue");
      queue.put(2);
      Atomics.store(flags, Flag.returned, 1);
      Atomics.store(flags, Flag.got, 1);
      ctx.at("put(3, 60000) into a full queue");
      const full = threwOnly("Full", () => queue.put(3, 60_000));
      Atomics.store(flags, Flag.returned, 2);
      rule(!full, "put(3, 60000) threw Full though room appeared in time: it must add its item");
    },
  ],
  repetitions: 30,
});

/** join() in two threads at once: the last taskDone() wakes both. */
export const joinWakesEveryJoiner = scenario<Shared>({
  state: withQueue(2),
  reset,
  actors: [
    ({ queue, flags }, ctx) => {
      ctx.at("put(1), get()");
      queue.put(1);
      queue.get();
      Atomics.store(flags, Flag.got, 1);
      ctx.untilAsleep(1);
      ctx.untilAsleep(2);
      ctx.at("taskDone() with two threads in join()");
      queue.taskDone();
      const until = performance.now() + late;
      ctx.until(
        () => Atomics.load(flags, Flag.returned) === 2 || performance.now() > until,
        "both join() calls returned",
      );
      rule(
        Atomics.load(flags, Flag.returned) === 2,
        "the last taskDone() woke only one of the two threads in join(): it must wake every thread in join()",
      );
    },
    ...Array.from({ length: 2 }, () => ({ queue, flags }: Shared, ctx: ActorContext) => {
      ctx.until(() => Atomics.load(flags, Flag.got) === 1, "actor 0 got the item, its task not done");
      ctx.at("join() with one task not done");
      queue.join();
      Atomics.add(flags, Flag.returned, 1);
    }),
  ],
  repetitions: 30,
});

/**
 * join() waits for taskDone() of every item, not for an empty queue: after a consumer has got
 * both items and marked one done, join() must still block.
 */
export const joinWaitsForEveryTask = scenario<Shared>({
  state: withQueue(4),
  reset,
  actors: [
    ({ queue, flags }, ctx) => {
      ctx.at("put(1), put(2)");
      queue.put(1);
      queue.put(2);
      ctx.at("get(), get() (the queue is now empty)");
      queue.get();
      queue.get();
      ctx.at("taskDone() for the first item");
      queue.taskDone();
      Atomics.store(flags, Flag.got, 1);
      ctx.untilAsleep(1);
      rule(Atomics.load(flags, Flag.returned) === 0, "join() returned with one task not done");
      Atomics.store(flags, Flag.done, 1);
      ctx.at("taskDone() for the last item");
      queue.taskDone();
    },
    ({ queue, flags }, ctx) => {
      ctx.until(() => Atomics.load(flags, Flag.got) === 1, "actor 0 emptied the queue, one task not done");
      ctx.at("join() with one task not done");
      queue.join();
      Atomics.store(flags, Flag.returned, 1);
      rule(
        Atomics.load(flags, Flag.done) === 1,
        "join() returned while one task was not done (the queue was empty): join() waits until taskDone() was called for every item ever put",
      );
    },
  ],
  repetitions: 30,
});

// The storms: producers and consumers at once, every call recorded in a history with stamps from
// one shared clock, and the whole history checked against a plain sequential queue.

interface Storm extends Shared {
  history: History;
  /** How many times each item was got; item numbers are producer * itemsEach + k. */
  gotten: Int32Array;
  /** Items marked done so far. */
  done: Int32Array;
  /** Producers that have put all their items. */
  finished: Int32Array;
}

interface StormShape {
  capacity: number;
  producers: number;
  consumers: number;
  itemsEach: number;
}

/**
 * Each item costs at most three recorded calls to put (a putNowait and a put(item, timeout) that
 * found it full, then a put) and three to get.
 */
const callsPerItem = 6;
/** The storms' timed calls wait up to this long (ms): often long enough to see the other side move. */
const maxStormTimeout = 0.5;

function storm({ capacity, producers, consumers, itemsEach }: StormShape) {
  const total = producers * itemsEach;
  const quota = (consumer: number) => Math.floor(total / consumers) + (consumer < total % consumers ? 1 : 0);

  const producer =
    (p: number) =>
    ({ queue, history, finished }: Storm, ctx: ActorContext) => {
      for (let k = 0; k < itemsEach; k++) {
        const item = p * itemsEach + k;
        if (ctx.random() < 0.3) {
          ctx.at(`putNowait(${item})`);
          const op = history.call(ctx.actor, QueueKind.putNowait, item);
          const full = threwOnly("Full", () => queue.putNowait(item));
          history.returned(op, full ? QueueResult.full : QueueResult.none);
          if (!full) continue;
        }
        if (ctx.random() < 0.3) {
          const timeout = ctx.random() * maxStormTimeout;
          ctx.at(`put(${item}, ${timeout.toFixed(2)})`);
          const op = history.call(ctx.actor, QueueKind.put, item);
          const full = threwOnly("Full", () => queue.put(item, timeout));
          history.returned(op, full ? QueueResult.full : QueueResult.none);
          if (!full) continue;
        }
        ctx.at(`put(${item})`);
        const op = history.call(ctx.actor, QueueKind.put, item);
        queue.put(item);
        history.returned(op, QueueResult.none);
      }
      Atomics.add(finished, 0, 1);
    };

  const consumer =
    (c: number) =>
    ({ queue, history, gotten, done }: Storm, ctx: ActorContext) => {
      for (let k = 0; k < quota(c); k++) {
        let item: number | undefined;
        if (ctx.random() < 0.3) {
          ctx.at("getNowait()");
          const op = history.call(ctx.actor, QueueKind.getNowait);
          let got = -1;
          const empty = threwOnly("Empty", () => (got = queue.getNowait()));
          history.returned(op, empty ? QueueResult.empty : got);
          if (!empty) item = got;
        }
        if (item === undefined && ctx.random() < 0.3) {
          const timeout = ctx.random() * maxStormTimeout;
          ctx.at(`get(${timeout.toFixed(2)})`);
          const op = history.call(ctx.actor, QueueKind.get);
          let got = -1;
          const empty = threwOnly("Empty", () => (got = queue.get(timeout)));
          history.returned(op, empty ? QueueResult.empty : got);
          if (!empty) item = got;
        }
        if (item === undefined) {
          ctx.at("get()");
          const op = history.call(ctx.actor, QueueKind.get);
          item = queue.get();
          history.returned(op, item);
        }
        rule(item >= 0 && item < total, `get() returned ${item}, which no producer put (items are 0..${total - 1})`);
        const times = Atomics.add(gotten, item, 1) + 1;
        rule(times === 1, `item ${item} was got ${times} times: every item put is got exactly once`);
        Atomics.add(done, 0, 1);
        ctx.at("taskDone()");
        queue.taskDone();
      }
    };

  return scenario<Storm>({
    state: (memory) => ({
      ...withQueue(capacity)(memory),
      history: memory.history(total * callsPerItem),
      gotten: memory.int32(total),
      done: memory.int32(1),
      finished: memory.int32(1),
    }),
    reset: (shared) => {
      reset(shared);
      shared.history.reset();
      shared.gotten.fill(0);
      shared.done.fill(0);
      shared.finished.fill(0);
    },
    actors: [
      // Producer 0 ends with join(), once every producer is done: it must return only once every
      // item is marked done.
      (shared, ctx) => {
        producer(0)(shared, ctx);
        ctx.until(() => Atomics.load(shared.finished, 0) === producers, "every producer put all its items");
        ctx.at("join() after the last put()");
        shared.queue.join();
        const done = Atomics.load(shared.done, 0);
        rule(
          done === total,
          `join() returned after ${done} of ${total} items were marked done: it waits for every taskDone()`,
        );
      },
      ...Array.from({ length: producers - 1 }, (_, p) => producer(p + 1)),
      ...Array.from({ length: consumers }, (_, c) => consumer(c)),
    ],
    arbiter: ({ queue, history, gotten }) => {
      const lost = [...gotten].flatMap((times, item) => (times === 0 ? [item] : []));
      if (lost.length > 0)
        return forbidden(
          "items lost",
          `${lost.length} item(s) put were never got, e.g. ${lost.slice(0, 5).join(", ")}`,
        );
      if (!queue.isEmpty())
        return forbidden(
          "not empty at the end",
          `after ${total} puts and ${total} gets the queue says size() ${queue.size()}`,
        );
      return judgeLinearizability(history.operations(), queueModel(capacity));
    },
    repetitions: 40,
  });
}

/** Two producers and two consumers through a queue of one item: every put waits for a get. */
export const stormCapacity1 = storm({ capacity: 1, producers: 2, consumers: 2, itemsEach: 60 });
/**
 * One producer and two consumers, a queue of one item: the classic deadlock of a single condition
 * with notify() (a consumer's notify wakes the other consumer instead of the producer).
 */
export const stormOneProducerTwoConsumers = storm({ capacity: 1, producers: 1, consumers: 2, itemsEach: 120 });
/** One producer and three consumers (more consumers than producers), a queue of 4. */
export const stormManyConsumers = storm({ capacity: 4, producers: 1, consumers: 3, itemsEach: 120 });
/** Three producers and one consumer, a queue of 2: the putters wait on each other. */
export const stormManyProducers = storm({ capacity: 2, producers: 3, consumers: 1, itemsEach: 40 });
/** Two producers and two consumers, a queue of 1024 that never fills. */
export const stormLarge = storm({ capacity: 1024, producers: 2, consumers: 2, itemsEach: 60 });
