// The readers-writer lock kata's scenarios. They run inside worker threads (see harness/scenario.ts).

import { RWLock } from "#kata/16-rwlock/rwlock.ts";
import {
  acceptable,
  beforeTimeout,
  crowd,
  forbidden,
  rule,
  scenario,
  throws,
  type ActorContext,
  type OverlapTracker,
  type SharedMemory,
} from "#threadkata/scenario.ts";

interface Shared {
  lock: RWLock;
  /** Hand-offs between the actors of one repetition; each scenario names its own indexes. */
  flags: Int32Array;
  /** Who is inside right now: [readers, writers], bumped on the way in, before the checks. */
  present: Int32Array;
  readers: OverlapTracker;
  writers: OverlapTracker;
  /** Two words every writer bumps one after the other, not atomically: a reader must see them equal. */
  data: Int32Array;
  /** Per actor: [writes done, reads done], to know what `data` should say. */
  entries: Int32Array;
}

const READERS = 0;
const WRITERS = 1;
const ACTORS = 8;

function state(memory: SharedMemory): Shared {
  return {
    lock: new RWLock(memory.int32(RWLock.WORDS)),
    flags: memory.int32(8),
    present: memory.int32(2),
    readers: memory.overlap(),
    writers: memory.overlap(),
    data: memory.int32(2),
    entries: memory.int32(2 * ACTORS),
  };
}

function reset({ flags, present, readers, writers, data, entries }: Shared): void {
  for (const words of [flags, present, data, entries]) words.fill(0);
  readers.reset();
  writers.reset();
}

// Inside the lock. Both sides count themselves in before they look at the other side, so of a
// reader and a writer inside at once, at least one of them sees the other.

function beginRead({ present, readers }: Shared): void {
  Atomics.add(present, READERS, 1);
  readers.enter();
  rule(Atomics.load(present, WRITERS) === 0, "a reader and a writer were inside at once: a writer must be alone");
}

function endRead({ present, readers }: Shared): void {
  readers.leave();
  Atomics.sub(present, READERS, 1);
}

function beginWrite({ present, writers }: Shared): void {
  const inside = Atomics.add(present, WRITERS, 1) + 1;
  writers.enter();
  rule(inside === 1, "two writers were inside at once: a writer must be alone");
  rule(Atomics.load(present, READERS) === 0, "a writer got in while a reader was inside: a writer must be alone");
}

function endWrite({ present, writers }: Shared): void {
  writers.leave();
  Atomics.sub(present, WRITERS, 1);
}

/** A write that takes time and is not atomic: a reader that overlaps it sees the two words differ. */
function write(shared: Shared, ctx: ActorContext): void {
  beginWrite(shared);
  const { data, entries } = shared;
  const next = Atomics.load(data, 0) + 1;
  Atomics.store(data, 0, next);
  ctx.pause(2);
  Atomics.store(data, 1, next);
  Atomics.add(entries, 2 * ctx.actor, 1);
  endWrite(shared);
}

function read(shared: Shared, ctx: ActorContext): void {
  beginRead(shared);
  const { data, entries } = shared;
  const first = Atomics.load(data, 0);
  ctx.pause(2);
  const second = Atomics.load(data, 1);
  rule(first === second, `a reader saw a write half done (${first}, then ${second}): a writer must be alone`);
  Atomics.add(entries, 2 * ctx.actor + 1, 1);
  endRead(shared);
}

function flag({ flags }: Shared, index: number): number {
  return Atomics.load(flags, index);
}

function raise({ flags }: Shared, index: number): void {
  Atomics.store(flags, index, 1);
}

function until(shared: Shared, ctx: ActorContext, index: number, what: string): void {
  ctx.until(() => flag(shared, index) === 1, what);
}

/** `call` returns without going to sleep: the rule for the try-variants and a zero timeout. */
function withoutSleeping<T>(ctx: ActorContext, what: string, call: () => T): T {
  const before = ctx.sleeps();
  const result = call();
  rule(ctx.sleeps() === before, `${what} went to sleep: it must never block`);
  return result;
}

/**
 * `call(timeout)` on a lock it cannot get must return false, and not before `timeout` ms: the
 * other side of the bound is the harness's deadline.
 */
function givesUp(
  ctx: ActorContext,
  what: string,
  timeout: number,
  where: string,
  call: (timeout: number) => boolean,
): void {
  ctx.at(`${what}(${timeout}) ${where}`);
  const started = performance.now();
  const got = call(timeout);
  const waited = performance.now() - started;
  rule(got === false, `${what}(${timeout}) returned true ${where}`);
  rule(
    waited >= timeout,
    `${what}(${timeout}) gave up after ${waited.toFixed(2)} ms ${where}: it must wait the whole timeout`,
  );
}

/** At the end of a repetition the lock is free: a writer gets in at once. Runs on actor 0's thread. */
function judgeFree(shared: Shared, key = "free at the end") {
  const { lock } = shared;
  if (!lock.tryAcquireWrite())
    return forbidden(
      "still held",
      "every reader and writer has left, yet tryAcquireWrite() returned false: a count was left raised",
    );
  lock.releaseWrite();
  if (!lock.tryAcquireRead())
    return forbidden(
      "readers shut out",
      "every reader and writer has left, yet tryAcquireRead() returned false: a count was left raised",
    );
  lock.releaseRead();
  return acceptable(key);
}

/** The writes were not lost, the lock is free. */
function judgeWrites(shared: Shared) {
  const { data, entries } = shared;
  let writes = 0;
  for (let actor = 0; actor < ACTORS; actor++) writes += Atomics.load(entries, 2 * actor);
  const got = Atomics.load(data, 0);
  if (got !== writes)
    return forbidden(
      `lost ${writes - got}`,
      `lost writes: ${writes} writes were done, the data says ${got}: two writers were inside at once`,
    );
  return judgeFree(shared);
}

// ---------------------------------------------------------------------------------------------
// Readers together.

const InsideNow = 0;

/**
 * Three readers, entering one after the other through acquireRead(), tryAcquireRead() and
 * acquireRead(timeout), are inside together: none of them waits for the ones already inside.
 */
export const readersShare = scenario<Shared>({
  state,
  reset,
  actors: crowd(3, (shared, ctx) => {
    const { lock, flags } = shared;
    const others = [0, 1, 2].filter((actor) => actor !== ctx.actor);
    // One after the other, so that each comes in while the others are inside and none is busy in
    // the lock: a design with a lock of its own inside may then not sleep either.
    ctx.until(
      () => Atomics.load(flags, InsideNow) === ctx.actor,
      `the ${ctx.actor} reader(s) before this one are inside`,
    );
    if (ctx.actor === 0) {
      ctx.at("acquireRead() while only readers are inside");
      rule(lock.acquireRead() === true, "acquireRead() without a timeout must return true once it is in");
    } else if (ctx.actor === 1) {
      ctx.at("tryAcquireRead() while only readers are inside");
      rule(
        withoutSleeping(ctx, "tryAcquireRead()", () => lock.tryAcquireRead()),
        "tryAcquireRead() returned false while only readers were inside: readers share the lock",
      );
    } else {
      ctx.at("acquireRead(60000) while only readers are inside");
      rule(lock.acquireRead(60_000) === true, "acquireRead(60000) returned false while only readers were inside");
    }
    beginRead(shared);
    Atomics.add(flags, InsideNow, 1);
    // Wait for the other two to be inside too; if one of them sleeps in the lock instead, say so.
    ctx.until(
      () => Atomics.load(flags, InsideNow) === 3 || others.some((peer) => ctx.asleep(peer)),
      "all 3 readers inside together",
    );
    rule(
      Atomics.load(flags, InsideNow) === 3,
      "a reader went to sleep in acquireRead() while only readers were inside: readers share the lock, none waits for another",
    );
    endRead(shared);
    ctx.at("releaseRead()");
    lock.releaseRead();
  }),
  arbiter: (shared) => {
    if (shared.readers.most !== 3)
      return forbidden(
        `${shared.readers.most} together`,
        `3 readers should have been inside together; at most ${shared.readers.most} were`,
      );
    return judgeFree(shared, "3 readers together");
  },
  repetitions: 40,
});

/** Readers entering and leaving over and over, at once: the count of readers inside loses nothing. */
export const readerCountRace = scenario<Shared>({
  state,
  reset,
  actors: crowd(2, (shared, ctx) => {
    const { lock } = shared;
    ctx.repeatTogether(500, () => {
      ctx.at("acquireRead() in two threads at once");
      rule(lock.acquireRead() === true, "acquireRead() without a timeout must return true once it is in");
      ctx.at("releaseRead() in two threads at once");
      lock.releaseRead();
    });
  }),
  arbiter: (shared) => judgeFree(shared, "count kept"),
  repetitions: 30,
});

// ---------------------------------------------------------------------------------------------
// A writer alone.

const Held = 0;
const ReaderIn = 1;
const WriterIn = 2;
const WriterDone = 3;
const SecondReaderIn = 4;
const Tried = 5;

/**
 * While a writer is inside, a reader and another writer are refused by the try-variants without
 * sleeping, and sleep in acquireRead() and acquireWrite(); when it leaves, both get in, one at a time.
 */
export const writerIsAlone = scenario<Shared>({
  state,
  reset,
  actors: [
    (shared, ctx) => {
      const { lock } = shared;
      ctx.at("acquireWrite() of a free lock");
      rule(lock.acquireWrite() === true, "acquireWrite() of a free lock must return true");
      beginWrite(shared);
      raise(shared, Held);
      ctx.untilAsleep(1);
      ctx.untilAsleep(2);
      rule(flag(shared, ReaderIn) === 0, "acquireRead() returned while a writer was inside");
      rule(flag(shared, WriterIn) === 0, "acquireWrite() returned while another writer was inside");
      endWrite(shared);
      ctx.at("releaseWrite()");
      lock.releaseWrite();
    },
    (shared, ctx) => {
      const { lock } = shared;
      until(shared, ctx, Held, "actor 0 holds the write lock");
      ctx.at("tryAcquireRead() while a writer is inside");
      rule(
        !withoutSleeping(ctx, "tryAcquireRead()", () => lock.tryAcquireRead()),
        "tryAcquireRead() returned true while a writer was inside: a writer must be alone",
      );
      raise(shared, Tried);
      ctx.at("acquireRead() while a writer is inside");
      rule(lock.acquireRead() === true, "acquireRead() without a timeout must return true once it is in");
      raise(shared, ReaderIn);
      read(shared, ctx);
      ctx.at("releaseRead()");
      lock.releaseRead();
    },
    (shared, ctx) => {
      const { lock } = shared;
      until(shared, ctx, Held, "actor 0 holds the write lock");
      // Once actor 1 sleeps, nobody is busy in the lock: not even a lock of its own inside.
      until(shared, ctx, Tried, "actor 1 tried to read");
      ctx.untilAsleep(1);
      ctx.at("tryAcquireWrite() while another writer is inside");
      rule(
        !withoutSleeping(ctx, "tryAcquireWrite()", () => lock.tryAcquireWrite()),
        "tryAcquireWrite() returned true while another writer was inside: a writer must be alone",
      );
      ctx.at("acquireWrite() while another writer is inside");
      rule(lock.acquireWrite() === true, "acquireWrite() without a timeout must return true once it is in");
      raise(shared, WriterIn);
      write(shared, ctx);
      ctx.at("releaseWrite()");
      lock.releaseWrite();
    },
  ],
  arbiter: judgeWrites,
  repetitions: 40,
});

/**
 * While two readers are inside, a writer is refused by tryAcquireWrite() and sleeps in
 * acquireWrite(); the first reader's leaving does not let it in, the last one's wakes it.
 */
export const readersKeepWriterOut = scenario<Shared>({
  state,
  reset,
  actors: [
    (shared, ctx) => {
      const { lock } = shared;
      ctx.at("acquireRead()");
      lock.acquireRead();
      beginRead(shared);
      raise(shared, Held);
      ctx.untilAsleep(2);
      rule(flag(shared, WriterIn) === 0, "acquireWrite() returned while readers were inside");
      endRead(shared);
      ctx.at("releaseRead() by the first of two readers");
      lock.releaseRead();
      raise(shared, ReaderIn);
    },
    (shared, ctx) => {
      const { lock } = shared;
      ctx.at("acquireRead()");
      lock.acquireRead();
      beginRead(shared);
      until(shared, ctx, ReaderIn, "the other reader has left");
      ctx.untilAsleep(2);
      rule(
        flag(shared, WriterIn) === 0,
        "acquireWrite() returned while a reader was still inside: only the last reader out lets a writer in",
      );
      endRead(shared);
      ctx.at("releaseRead() by the last reader");
      lock.releaseRead();
    },
    (shared, ctx) => {
      const { lock } = shared;
      until(shared, ctx, Held, "actor 0 is inside as a reader");
      ctx.until(() => Atomics.load(shared.present, READERS) === 2, "both readers inside");
      ctx.at("tryAcquireWrite() while readers are inside");
      rule(
        !withoutSleeping(ctx, "tryAcquireWrite()", () => lock.tryAcquireWrite()),
        "tryAcquireWrite() returned true while readers were inside: a writer must be alone",
      );
      ctx.at("acquireWrite() while readers are inside (the last one out must wake it)");
      rule(lock.acquireWrite() === true, "acquireWrite() without a timeout must return true once it is in");
      raise(shared, WriterIn);
      write(shared, ctx);
      ctx.at("releaseWrite()");
      lock.releaseWrite();
    },
  ],
  arbiter: judgeWrites,
  repetitions: 40,
});

/** A writer's release lets in every reader waiting for it, all together. */
export const writerReleaseWakesEveryReader = scenario<Shared>({
  state,
  reset,
  actors: [
    (shared, ctx) => {
      const { lock } = shared;
      ctx.at("acquireWrite()");
      lock.acquireWrite();
      raise(shared, Held);
      for (const reader of [1, 2, 3]) ctx.untilAsleep(reader);
      ctx.at("releaseWrite() with three readers asleep");
      lock.releaseWrite();
    },
    ...crowd(3, (shared: Shared, ctx: ActorContext) => {
      const { lock, flags } = shared;
      until(shared, ctx, Held, "actor 0 holds the write lock");
      ctx.at("acquireRead() while a writer is inside (its release must wake every reader)");
      lock.acquireRead();
      beginRead(shared);
      Atomics.add(flags, InsideNow + 1, 1);
      ctx.until(() => Atomics.load(flags, InsideNow + 1) === 3, "all 3 readers inside together after the writer left");
      endRead(shared);
      ctx.at("releaseRead()");
      lock.releaseRead();
    }),
  ],
  arbiter: (shared) => judgeFree(shared, "all woken"),
  repetitions: 30,
});

/** Readers and writers storming, with every way in: writers always alone, no write lost, no count left raised. */
export const storm = scenario<Shared>({
  state,
  reset,
  actors: crowd(4, (shared, ctx) => {
    const { lock } = shared;
    ctx.repeatTogether(1000, () => {
      const writing = ctx.random() < 0.3;
      const how = ctx.random();
      if (writing) {
        ctx.at("acquireWrite(), tryAcquireWrite() or acquireWrite(timeout) in the storm");
        const inside =
          how < 0.4
            ? lock.acquireWrite()
            : how < 0.7
              ? lock.tryAcquireWrite()
              : lock.acquireWrite(how < 0.85 ? 0 : 0.05);
        if (!inside) return;
        write(shared, ctx);
        ctx.at("releaseWrite() in the storm");
        lock.releaseWrite();
      } else {
        ctx.at("acquireRead(), tryAcquireRead() or acquireRead(timeout) in the storm");
        const inside =
          how < 0.4 ? lock.acquireRead() : how < 0.7 ? lock.tryAcquireRead() : lock.acquireRead(how < 0.85 ? 0 : 0.05);
        if (!inside) return;
        read(shared, ctx);
        ctx.at("releaseRead() in the storm");
        lock.releaseRead();
      }
    });
  }),
  arbiter: judgeWrites,
  repetitions: 40,
});

const rounds = 150;

/** More threads than cores, each reading and writing `rounds` times, blocking: every waiter is woken, every time. */
export const everyoneGetsIn = scenario<Shared>({
  state,
  reset,
  actors: crowd(5, (shared, ctx) => {
    const { lock } = shared;
    for (let round = 0; round < rounds; round++) {
      if ((round + ctx.actor) % 3 === 0) {
        ctx.at("acquireWrite()");
        lock.acquireWrite();
        write(shared, ctx);
        ctx.at("releaseWrite()");
        lock.releaseWrite();
      } else {
        ctx.at("acquireRead()");
        lock.acquireRead();
        read(shared, ctx);
        ctx.at("releaseRead()");
        lock.releaseRead();
      }
    }
  }),
  arbiter: (shared) => {
    const done = Array.from(
      { length: 5 },
      (_, actor) => Atomics.load(shared.entries, 2 * actor) + Atomics.load(shared.entries, 2 * actor + 1),
    );
    if (done.some((n) => n !== rounds))
      return forbidden(done.join("/"), `every actor should get in ${rounds} times; they got in ${done.join(", ")}`);
    return judgeWrites(shared);
  },
  repetitions: 20,
});

// ---------------------------------------------------------------------------------------------
// A writer is never starved.

/**
 * A reader is inside and a writer waits; a reader that comes after the writer is refused by
 * tryAcquireRead() and sleeps in acquireRead(). When the first reader leaves, the writer gets in
 * before the reader that came after it.
 */
export const waitingWriterGoesFirst = scenario<Shared>({
  state,
  reset,
  actors: [
    (shared, ctx) => {
      const { lock } = shared;
      ctx.at("acquireRead()");
      lock.acquireRead();
      raise(shared, Held);
      ctx.untilAsleep(1);
      until(shared, ctx, ReaderIn, "actor 2 tried to read");
      ctx.untilAsleep(2);
      ctx.at("releaseRead() with a writer and a later reader waiting");
      lock.releaseRead();
    },
    (shared, ctx) => {
      const { lock } = shared;
      until(shared, ctx, Held, "actor 0 is inside as a reader");
      ctx.at("acquireWrite() while a reader is inside");
      lock.acquireWrite();
      raise(shared, WriterIn);
      rule(
        flag(shared, SecondReaderIn) === 0,
        "a reader that came after a waiting writer got in before it: the writer must go first",
      );
      // The later reader stays out for as long as the writer is inside.
      ctx.untilAsleep(2);
      rule(flag(shared, SecondReaderIn) === 0, "a reader got in while a writer was inside");
      raise(shared, WriterDone);
      ctx.at("releaseWrite()");
      lock.releaseWrite();
    },
    (shared, ctx) => {
      const { lock } = shared;
      until(shared, ctx, Held, "actor 0 is inside as a reader");
      ctx.untilAsleep(1);
      ctx.at("tryAcquireRead() while a reader is inside and a writer waits");
      const got = withoutSleeping(ctx, "tryAcquireRead()", () => lock.tryAcquireRead());
      rule(
        !got,
        "tryAcquireRead() returned true while a writer was waiting: once a writer waits, new readers must wait behind it, or a stream of readers starves it",
      );
      raise(shared, ReaderIn);
      ctx.at("acquireRead() while a reader is inside and a writer waits");
      lock.acquireRead();
      raise(shared, SecondReaderIn);
      rule(
        flag(shared, WriterDone) === 1,
        "acquireRead() returned before the writer waiting ahead of it had its turn: once a writer waits, new readers must wait behind it, or a stream of readers starves it",
      );
      ctx.at("releaseRead()");
      lock.releaseRead();
    },
  ],
  arbiter: (shared) => judgeFree(shared, "writer first"),
  repetitions: 40,
});

const Overtook = 6;
/**
 * Readers that may start after the writer is seen asleep and still get in before it. 0 for a lock
 * whose writer announces itself before it sleeps (the reference); a design with a lock of its own
 * inside may see its writer asleep on that lock, not yet announced, for a reader or two. A stream
 * of readers that starves the writer overtakes it without end.
 */
const overtakesAllowed = 2;

/**
 * Two readers come and go, overlapping, while a writer waits: the readers that start after the
 * writer is seen waiting do not keep getting in before it.
 */
export const readerStreamDoesNotStarveWriter = scenario<Shared>({
  state,
  reset,
  actors: [
    ...crowd(2, (shared: Shared, ctx: ActorContext) => {
      const { lock } = shared;
      while (flag(shared, WriterDone) === 0) {
        const writerWaiting = ctx.asleep(2);
        ctx.at("acquireRead() in a stream of readers, a writer waiting");
        lock.acquireRead();
        raise(shared, ReaderIn);
        if (writerWaiting && flag(shared, WriterIn) === 0) {
          const overtakes = Atomics.add(shared.flags, Overtook, 1) + 1;
          rule(
            overtakes <= overtakesAllowed,
            `a stream of readers kept a waiting writer out: ${overtakes} readers that came after the writer began to wait got in before it`,
          );
        }
        ctx.pause(20);
        ctx.at("releaseRead() in a stream of readers");
        lock.releaseRead();
      }
    }),
    (shared, ctx) => {
      const { lock } = shared;
      until(shared, ctx, ReaderIn, "the readers have started");
      ctx.at("acquireWrite() in a stream of readers");
      lock.acquireWrite();
      raise(shared, WriterIn);
      write(shared, ctx);
      ctx.at("releaseWrite()");
      lock.releaseWrite();
      raise(shared, WriterDone);
    },
  ],
  arbiter: judgeWrites,
  repetitions: 40,
});

// ---------------------------------------------------------------------------------------------
// Timeouts and try-variants.

const shortTimeout = 15;
/** Long enough for a reader to fall asleep behind the waiting writer before it gives up. */
const writerTimeout = 40;

/**
 * A reader is inside; acquireWrite(timeout) gives up when its time is up, never before, and the
 * reader that was waiting behind it gets in while the first is still inside.
 */
export const writerGivesUp = scenario<Shared>({
  state,
  reset,
  actors: [
    (shared, ctx) => {
      const { lock } = shared;
      ctx.at("acquireRead()");
      lock.acquireRead();
      raise(shared, Held);
      until(shared, ctx, SecondReaderIn, "the reader held back by the writer got in after it gave up");
      ctx.at("releaseRead()");
      lock.releaseRead();
    },
    (shared, ctx) => {
      const { lock } = shared;
      until(shared, ctx, Held, "actor 0 is inside as a reader");
      givesUp(ctx, "acquireWrite", writerTimeout, "while a reader is inside", (timeout) => lock.acquireWrite(timeout));
      ctx.at(`releaseWrite() after acquireWrite(${writerTimeout}) timed out`);
      rule(
        throws(() => lock.releaseWrite()),
        "releaseWrite() after acquireWrite(timeout) timed out must throw: a writer that gave up holds nothing",
      );
      raise(shared, WriterDone);
    },
    (shared, ctx) => {
      const { lock } = shared;
      until(shared, ctx, Held, "actor 0 is inside as a reader");
      // Usually the writer is still waiting when this reader arrives; on a busy machine it may
      // have given up already, and then this reader simply gets in.
      ctx.until(() => ctx.asleep(1) || flag(shared, WriterDone) === 1, "actor 1 waits to write, or has given up");
      ctx.at("acquireRead() behind a waiting writer that will give up (its giving up must let this reader in)");
      rule(lock.acquireRead() === true, "acquireRead() without a timeout must return true once it is in");
      until(shared, ctx, WriterDone, "actor 1 gave up");
      // The try comes while no other thread is inside a call of the lock (actor 0 waits for the
      // flag below to release): a design with an internal lock never has to wait for it here.
      ctx.at("tryAcquireRead() by a reader after the writer gave up");
      rule(
        withoutSleeping(ctx, "tryAcquireRead()", () => lock.tryAcquireRead()),
        "tryAcquireRead() returned false after a waiting writer gave up, with only readers inside: the writer's timeout left it counted as waiting",
      );
      lock.releaseRead();
      raise(shared, SecondReaderIn);
      ctx.at("releaseRead()");
      lock.releaseRead();
    },
  ],
  arbiter: (shared) => judgeFree(shared, "gave up cleanly"),
  repetitions: 10,
});

/** acquireWrite(timeout) while another writer is inside: false when its time is up, never before, and nothing left waiting. */
export const writerGivesUpBehindWriter = scenario<Shared>({
  state,
  reset,
  actors: [
    (shared, ctx) => {
      const { lock } = shared;
      ctx.at("acquireWrite()");
      lock.acquireWrite();
      raise(shared, Held);
      until(shared, ctx, WriterDone, "actor 1's acquireWrite(timeout) returned");
      ctx.at("releaseWrite()");
      lock.releaseWrite();
    },
    (shared, ctx) => {
      const { lock } = shared;
      until(shared, ctx, Held, "actor 0 holds the write lock");
      givesUp(ctx, "acquireWrite", shortTimeout, "while another writer is inside", (timeout) =>
        lock.acquireWrite(timeout),
      );
      raise(shared, WriterDone);
    },
  ],
  arbiter: (shared) => judgeFree(shared, "gave up cleanly"),
  repetitions: 10,
});

/**
 * acquireRead(timeout) gives up when its time is up, never before: behind a writer inside, and
 * behind a writer waiting. A reader that gave up holds nothing.
 */
export const readerGivesUp = scenario<Shared>({
  state,
  reset,
  actors: [
    (shared, ctx) => {
      const { lock } = shared;
      const behindWaiting = ctx.repetition % 2 === 1;
      ctx.at(behindWaiting ? "acquireRead()" : "acquireWrite()");
      if (behindWaiting) lock.acquireRead();
      else lock.acquireWrite();
      raise(shared, Held);
      until(shared, ctx, ReaderIn, "actor 2's acquireRead(timeout) returned");
      ctx.at(behindWaiting ? "releaseRead()" : "releaseWrite()");
      if (behindWaiting) lock.releaseRead();
      else lock.releaseWrite();
    },
    (shared, ctx) => {
      // Only on odd repetitions: the writer waiting behind actor 0's read.
      if (ctx.repetition % 2 === 0) return;
      const { lock } = shared;
      until(shared, ctx, Held, "actor 0 is inside as a reader");
      ctx.at("acquireWrite() while a reader is inside");
      lock.acquireWrite();
      raise(shared, WriterIn);
      ctx.at("releaseWrite()");
      lock.releaseWrite();
    },
    (shared, ctx) => {
      const { lock } = shared;
      const behindWaiting = ctx.repetition % 2 === 1;
      until(shared, ctx, Held, "actor 0 is inside");
      if (behindWaiting) ctx.untilAsleep(1);
      const where = behindWaiting ? "while a writer waits" : "while a writer is inside";
      givesUp(ctx, "acquireRead", shortTimeout, where, (timeout) => lock.acquireRead(timeout));
      if (!behindWaiting) {
        ctx.at(`releaseRead() after acquireRead(${shortTimeout}) timed out`);
        rule(
          throws(() => lock.releaseRead()),
          "releaseRead() after acquireRead(timeout) timed out, with no reader inside, must throw: a reader that gave up holds nothing",
        );
      }
      raise(shared, ReaderIn);
    },
  ],
  arbiter: (shared) => judgeFree(shared, "gave up cleanly"),
  repetitions: 12,
});

/** acquireRead(timeout) and acquireWrite(timeout) sleep, and return true when the lock comes free in time. */
export const timeoutsSucceedInTime = scenario<Shared>({
  state,
  reset,
  actors: [
    (shared, ctx) => {
      const { lock } = shared;
      ctx.at("acquireWrite()");
      lock.acquireWrite();
      raise(shared, Held);
      ctx.untilAsleep(1);
      ctx.untilAsleep(2);
      ctx.at("releaseWrite()");
      lock.releaseWrite();
    },
    (shared, ctx) => {
      const { lock } = shared;
      until(shared, ctx, Held, "actor 0 holds the write lock");
      ctx.at("acquireRead(60000) while a writer is inside");
      const reading = beforeTimeout(60_000, () => lock.acquireRead(60_000));
      rule(reading.value === true, "acquireRead(60000) must return true when the writer leaves in time");
      rule(
        reading.early,
        "acquireRead(60000) returned only when its 60 s ran out: the writer's release never woke it (a lost wakeup)",
      );
      read(shared, ctx);
      ctx.at("releaseRead()");
      lock.releaseRead();
    },
    (shared, ctx) => {
      const { lock } = shared;
      until(shared, ctx, Held, "actor 0 holds the write lock");
      ctx.at("acquireWrite(60000) while a writer is inside");
      const writing = beforeTimeout(60_000, () => lock.acquireWrite(60_000));
      rule(writing.value === true, "acquireWrite(60000) must return true when the writer leaves in time");
      rule(
        writing.early,
        "acquireWrite(60000) returned only when its 60 s ran out: the writer's release never woke it (a lost wakeup)",
      );
      write(shared, ctx);
      ctx.at("releaseWrite()");
      lock.releaseWrite();
    },
  ],
  arbiter: judgeWrites,
  repetitions: 30,
});

/** A timeout of 0 takes a free lock, and on a held one returns false at once, without sleeping and leaving nothing behind. */
export const zeroTimeout = scenario<Shared>({
  state,
  reset,
  actors: [
    (shared, ctx) => {
      const { lock } = shared;
      ctx.at("acquireRead(0) of a free lock");
      rule(
        withoutSleeping(ctx, "acquireRead(0)", () => lock.acquireRead(0)) === true,
        "acquireRead(0) of a free lock must return true",
      );
      raise(shared, Held);
      until(shared, ctx, WriterDone, "actor 1 tried to write");
      ctx.at("releaseRead()");
      lock.releaseRead();
      ctx.at("acquireWrite(0) of a free lock");
      rule(
        withoutSleeping(ctx, "acquireWrite(0)", () => lock.acquireWrite(0)) === true,
        "acquireWrite(0) of a free lock must return true",
      );
      raise(shared, WriterIn);
      until(shared, ctx, ReaderIn, "actor 1 tried to read");
      ctx.at("releaseWrite()");
      lock.releaseWrite();
    },
    (shared, ctx) => {
      const { lock } = shared;
      until(shared, ctx, Held, "actor 0 is inside as a reader");
      ctx.at("acquireWrite(0) while a reader is inside");
      rule(
        withoutSleeping(ctx, "acquireWrite(0)", () => lock.acquireWrite(0)) === false,
        "acquireWrite(0) returned true while a reader was inside",
      );
      ctx.at("tryAcquireRead() after acquireWrite(0) failed");
      rule(
        lock.tryAcquireRead(),
        "tryAcquireRead() returned false after acquireWrite(0) had given up, with only a reader inside: the writer was left counted as waiting",
      );
      lock.releaseRead();
      raise(shared, WriterDone);
      until(shared, ctx, WriterIn, "actor 0 holds the write lock");
      ctx.at("acquireRead(0) while a writer is inside");
      rule(
        withoutSleeping(ctx, "acquireRead(0)", () => lock.acquireRead(0)) === false,
        "acquireRead(0) returned true while a writer was inside",
      );
      raise(shared, ReaderIn);
    },
  ],
  arbiter: (shared) => judgeFree(shared, "zero timeouts"),
  repetitions: 20,
});

const races = 50;
const Winners = 0;
const Both = 1;
const Neither = 2;

/**
 * Over and over, two threads meet and try to get in at the same instant, on a free lock: two
 * writers (tryAcquireWrite() in both), or a writer and a reader. Exactly one gets in each time.
 */
export const tryRace = scenario<Shared>({
  state,
  reset,
  actors: crowd(2, ({ lock, flags }, ctx) => {
    for (let race = 0; race < races; race++) {
      const asReader = ctx.actor === 1 && race % 2 === 1;
      ctx.meet();
      ctx.at(
        asReader
          ? "tryAcquireRead() against a tryAcquireWrite() at the same instant"
          : "tryAcquireWrite() in two threads at the same instant",
      );
      const got = asReader ? lock.tryAcquireRead() : lock.tryAcquireWrite();
      if (got) Atomics.add(flags, Winners, 1);
      ctx.meet();
      if (ctx.actor === 0) {
        const winners = Atomics.exchange(flags, Winners, 0);
        if (winners !== 1) Atomics.add(flags, winners === 0 ? Neither : Both, 1);
      }
      if (got && asReader) lock.releaseRead();
      else if (got) lock.releaseWrite();
    }
  }),
  arbiter: (shared) => {
    const [both, neither] = [flag(shared, Both), flag(shared, Neither)];
    if (both > 0)
      return forbidden(
        "both got in",
        `a writer and another thread got in at once: both tries returned true (${both} of ${races} races)`,
      );
    if (neither > 0)
      return forbidden("neither got in", `on a free lock, both tries returned false (${neither} of ${races} races)`);
    return judgeFree(shared, "one got in every time");
  },
  repetitions: 20,
});

// ---------------------------------------------------------------------------------------------
// Releases.

/** releaseRead() with no reader inside and releaseWrite() with no writer inside throw, and change nothing. */
export const releaseRules = scenario<Shared>({
  // An RWLock made with `new RWLock()`, as a learner would make one.
  state: (memory) => ({ ...state(memory), lock: new RWLock() }),
  actors: [
    ({ lock }, ctx) => {
      ctx.at("releaseRead() of a new RWLock");
      rule(
        throws(() => lock.releaseRead()),
        "releaseRead() of an RWLock nobody holds must throw",
      );
      ctx.at("releaseWrite() of a new RWLock");
      rule(
        throws(() => lock.releaseWrite()),
        "releaseWrite() of an RWLock nobody holds must throw",
      );
      ctx.at("tryAcquireWrite() after refused releases");
      rule(
        lock.tryAcquireWrite(),
        "tryAcquireWrite() of a free RWLock returned false after refused releases: a refused release must change nothing",
      );
      ctx.at("releaseRead() while this thread writes");
      rule(
        throws(() => lock.releaseRead()),
        "releaseRead() while only a writer is inside must throw: no reader is inside",
      );
      ctx.at("tryAcquireRead() while this thread writes");
      rule(
        !lock.tryAcquireRead(),
        "tryAcquireRead() returned true while a writer was inside, after a refused releaseRead(): a refused release must change nothing",
      );
      ctx.at("releaseWrite()");
      lock.releaseWrite();
      ctx.at("second releaseWrite()");
      rule(
        throws(() => lock.releaseWrite()),
        "a second releaseWrite() after one acquire must throw: nobody holds the write lock any more",
      );
      ctx.at("acquireRead() twice");
      rule(lock.acquireRead() && lock.acquireRead(), "acquireRead() of a free RWLock must return true");
      ctx.at("releaseWrite() while readers are inside");
      rule(
        throws(() => lock.releaseWrite()),
        "releaseWrite() while only readers are inside must throw: no writer is inside",
      );
      ctx.at("releaseRead() twice");
      lock.releaseRead();
      lock.releaseRead();
      ctx.at("third releaseRead() after two acquireRead()");
      rule(
        throws(() => lock.releaseRead()),
        "a third releaseRead() after two acquireRead() must throw: no reader is inside any more",
      );
      ctx.at("tryAcquireWrite() after a refused releaseRead()");
      rule(
        lock.tryAcquireWrite(),
        "tryAcquireWrite() returned false after every reader left and a releaseRead() was refused: a refused release must change nothing",
      );
      lock.releaseWrite();
    },
  ],
  repetitions: 5,
});

/** releaseWrite() by a thread that does not hold the write lock throws and changes nothing. */
export const onlyTheWriterReleases = scenario<Shared>({
  state,
  reset,
  actors: [
    (shared, ctx) => {
      const { lock } = shared;
      ctx.at("acquireWrite()");
      lock.acquireWrite();
      raise(shared, Held);
      until(shared, ctx, ReaderIn, "actor 1 tried to release");
      ctx.at("releaseWrite() by the writer, after another thread's was refused");
      rule(
        !throws(() => lock.releaseWrite()),
        "the writer's releaseWrite() threw after another thread's releaseWrite() had been refused: a refused release must change nothing",
      );
    },
    (shared, ctx) => {
      const { lock } = shared;
      until(shared, ctx, Held, "actor 0 holds the write lock");
      ctx.at("releaseWrite() by a thread that does not hold the write lock");
      rule(
        throws(() => lock.releaseWrite()),
        "releaseWrite() by a thread that does not hold the write lock must throw",
      );
      ctx.at("tryAcquireRead() after a refused releaseWrite()");
      rule(
        !lock.tryAcquireRead(),
        "tryAcquireRead() returned true after another thread's refused releaseWrite(): the writer must still be inside",
      );
      ctx.at("tryAcquireWrite() after a refused releaseWrite()");
      rule(
        !lock.tryAcquireWrite(),
        "tryAcquireWrite() returned true after another thread's refused releaseWrite(): the writer must still be inside",
      );
      raise(shared, ReaderIn);
    },
  ],
  arbiter: (shared) => judgeFree(shared, "refused"),
  repetitions: 20,
});
