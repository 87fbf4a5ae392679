// Scenarios that misbehave on purpose, so the harness can prove how it reports each failure.

import { NotImplementedError } from "#threadkata/errors.ts";
import { acceptable, crowd, forbidden, nameLock, rule, scenario, type ActorContext } from "#threadkata/scenario.ts";
import { startWorker } from "#toolkit/start-worker.ts";
import { TicketLock } from "#toolkit/ticket-lock.ts";

const nothing = () => ({});

/** Actor 0 sleeps on a word nobody ever notifies; actor 1 finishes. */
export const lostWakeup = scenario<{ word: Int32Array }>({
  state: (memory) => ({ word: memory.int32(1) }),
  actors: [
    ({ word }, ctx) => {
      ctx.at("waitForever()");
      Atomics.wait(word, 0, 0);
    },
    () => {},
  ],
});

/** More labels than the control block has slots for: the report must still name the right one. */
export const manyLabels = scenario({
  state: (memory) => memory.int32(1),
  actors: [
    (word, ctx) => {
      for (let i = 0; i < 100; i++) ctx.at(`step ${i}`);
      ctx.at("step 70");
      ctx.at("step 80");
      ctx.at("step 70");
      Atomics.wait(word, 0, 0);
    },
  ],
});

export const endlessLoop = scenario({
  state: nothing,
  actors: [
    (_, ctx) => {
      ctx.at("spinForever()");
      for (;;) {
        // never ends
      }
    },
  ],
});

export const stub = scenario({
  state: nothing,
  actors: [
    () => {
      throw new NotImplementedError("00-fixture", "thing()");
    },
  ],
});

function learnerCode(): never {
  throw new TypeError("cannot read the thing");
}

export const throws = scenario({
  state: nothing,
  actors: [() => learnerCode()],
});

/** Starts a thread on a module that cannot be bundled (no such export): toolkit/start-worker.ts throws ModuleLoadError. */
export const startsUnloadableThread = scenario({
  state: nothing,
  actors: [
    () =>
      void startWorker([new URL("./misbehaving.scenarios.ts", import.meta.url), "noSuchExport"], {
        bootstrap: [new URL("./misbehaving.scenarios.ts", import.meta.url), "alsoMissing"],
      }),
  ],
});

export const exits = scenario({
  state: nothing,
  actors: [() => process.exit(3)],
});

/** Every third repetition is forbidden. */
export const sometimesForbidden = scenario<{ runs: Int32Array }>({
  state: (memory) => ({ runs: memory.int32(1) }),
  actors: [({ runs }) => void Atomics.add(runs, 0, 1)],
  arbiter: ({ runs }) =>
    Atomics.load(runs, 0) % 3 === 0 ? forbidden("third", "every third run is forbidden") : acceptable("fine"),
  repetitions: 10,
});

/** Does nothing, many times, on four threads: any failure here is the harness's own. */
export const nothingAtAll = scenario({
  state: nothing,
  actors: crowd(4, () => {}),
  repetitions: 5_000,
});

interface TwoLocks {
  a: TicketLock;
  b: TicketLock;
  /** Which actors hold their first lock. */
  holding: Int32Array;
}

function twoLocks(memory: import("#threadkata/scenario.ts").SharedMemory): TwoLocks {
  const a = new TicketLock(memory.int32(TicketLock.WORDS));
  const b = new TicketLock(memory.int32(TicketLock.WORDS));
  nameLock(a, "lock A");
  nameLock(b.memory, "lock B");
  return { a, b, holding: memory.int32(2) };
}

/** Takes `first`, waits until the other actor holds its own first lock, then takes `second`. */
function inOrder(first: "a" | "b", second: "a" | "b") {
  return (locks: TwoLocks, ctx: ActorContext) => {
    ctx.at(`take ${first}`);
    locks[first].acquire();
    Atomics.store(locks.holding, ctx.actor, 1);
    ctx.until(() => Atomics.load(locks.holding, 1 - ctx.actor) === 1, "the other holds its first lock");
    ctx.at(`take ${second}`);
    locks[second].acquire();
  };
}

/** Two actors take two locks in opposite orders, each only once the other holds its first: a deadlock, every time. */
export const oppositeOrder = scenario<TwoLocks>({
  state: twoLocks,
  actors: [inOrder("a", "b"), inOrder("b", "a")],
});

/** Actor 0 takes lock A and finishes without releasing it; actor 1 waits for it for ever: no cycle. */
export const heldByFinished = scenario<TwoLocks>({
  state: twoLocks,
  actors: [
    ({ a, holding }) => {
      a.acquire();
      Atomics.store(holding, 0, 1);
    },
    ({ a, holding }, ctx) => {
      ctx.until(() => Atomics.load(holding, 0) === 1, "actor 0 holds lock A");
      ctx.at("take a");
      a.acquire();
    },
  ],
});

/** One that behaves: only a wait that can block counts as a sleep (ctx.sleeps(), ctx.asleep()). */
export const sleepsAreWaitsThatBlock = scenario({
  state: (memory) => memory.int32(1),
  actors: [
    (word, ctx) => {
      const before = ctx.sleeps();
      rule(Atomics.wait(word, 0, 0, 0) === "timed-out", "a wait with a timeout of 0 must time out");
      rule(Atomics.wait(word, 0, 0, -1) === "timed-out", "a wait with a negative timeout must time out");
      rule(
        Atomics.wait(word, 0, 7, 10_000) === "not-equal",
        "a wait on a word that holds another value must return not-equal",
      );
      rule(
        Atomics.wait(word, 0, 7, 0) === "not-equal",
        "a wait of 0 on a word that holds another value must return not-equal",
      );
      rule(ctx.sleeps() === before, `waits that could not block were counted as ${ctx.sleeps() - before} sleep(s)`);
      rule(Atomics.wait(word, 0, 0, 1) === "timed-out", "a wait of 1 ms nobody notifies must time out");
      rule(ctx.sleeps() === before + 1, "a wait that blocked for 1 ms must count as one sleep");
    },
  ],
  repetitions: 3,
});
