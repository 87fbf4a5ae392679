// The event-loop kata's scenarios. One actor (a harness worker thread) plays the service: its event
// loop beats a heartbeat (a 1 ms timer adds one to a shared word) and answers pings, while jobs go
// through the Offloader. Every check is about order, never speed: a job on a worker stays in flight
// until the test releases it (jobs.ts), so "while a job runs" is a stretch the test controls.
//
// The test waits by awaiting (a 1 ms timer at a time), never by blocking: it runs on the service's
// thread, and a blocked thread beats no heartbeat. It counts the workers this thread starts through
// Node's process "worker" event, so it knows when every worker started so far has its job in flight.

import { Offloader } from "#kata/14-event-loop/offload.ts";
import { rule, scenario, type ActorContext, type SharedMemory } from "#threadkata/scenario.ts";
import { createRequire } from "node:module";
import { isDeepStrictEqual } from "node:util";
import { threadId, type Worker } from "node:worker_threads";
import {
  Board,
  boardWords,
  primesBelow,
  returnedValues,
  slots,
  slotWord,
  thrownCases,
  thrownValues,
  type ReturnedKind,
} from "./jobs.ts";

const jobs = new URL("./jobs.ts", import.meta.url);
const crunch = [jobs, "crunch"] as const;

// esbuild, which startWorker uses to bundle a job, runs its synchronous API on a worker thread of its
// own, started on first use and never ended. Start it now, so that the workers counted are the jobs'.
createRequire(new URL("../../package.json", import.meta.url))("esbuild").transformSync("");

/** Heartbeats a job must see go by while it is in flight. */
const beatsInFlight = 3;

interface Shared {
  board: Int32Array;
}

function state(memory: SharedMemory): Shared {
  return { board: memory.int32(boardWords) };
}

function reset({ board }: Shared): void {
  board.fill(0);
}

const read = (board: Int32Array, slot: number, field: Parameters<typeof slotWord>[1]) =>
  Atomics.load(board, slotWord(slot, field));

function release(board: Int32Array, slot: number): void {
  Atomics.store(board, slotWord(slot, "release"), 1);
  Atomics.notify(board, slotWord(slot, "release"));
}

/** One turn of this thread's event loop: timers, Worker events and resolved promises get their go. */
const turn = () => new Promise<void>((resolve) => setTimeout(resolve, 1));

/**
 * Awaits, a turn at a time, until `condition()` holds; the harness's deadline ends a wait that never
 * does, naming `what` (a function: what is known at each turn).
 */
async function until(ctx: ActorContext, condition: () => boolean, what: string | (() => string)): Promise<void> {
  const say = () => ctx.at(`waiting until ${typeof what === "string" ? what : what()}`);
  say();
  while (!condition()) {
    await turn();
    say();
  }
}

/** A job's module that could not be bundled rejects run() before the job begins: report it as what it is. */
function rethrowLoadFailure(error: unknown): void {
  if (error instanceof Error && error.name === "ModuleLoadError") throw error;
}

/**
 * The service under test: a heartbeat on its event loop, pings answered there, and jobs run through
 * the Offloader. It also counts the workers its thread starts, and those that have ended.
 */
class Service {
  readonly offloader: Offloader;
  created = 0;
  exited = 0;
  private readonly heartbeat: ReturnType<typeof setInterval>;
  private readonly onWorker = (worker: Worker) => {
    this.created++;
    worker.once("exit", () => this.exited++);
  };

  constructor(
    readonly board: Int32Array,
    maxWorkers: number,
  ) {
    Atomics.store(board, Board.service, threadId);
    process.on("worker", this.onWorker);
    this.heartbeat = setInterval(() => Atomics.add(board, Board.beats, 1), 1);
    this.offloader = new Offloader(maxWorkers);
  }

  get beats(): number {
    return Atomics.load(this.board, Board.beats);
  }

  /** A request the loop answers itself: it resolves only if the loop gets a turn. */
  ping(): Promise<string> {
    return new Promise((resolve) => setImmediate(() => resolve("pong")));
  }

  /** Why run() rejected a crunch job, by slot: a job that cannot begin shows here, not as a wait that never ends. */
  readonly rejected = new Map<number, unknown>();

  /** Submits crunch(board, slot, n); the promise never rejects: it settles to what happened. */
  submit(slot: number, n: number): Promise<{ value?: unknown; error?: unknown }> {
    return this.offloader.run(crunch, this.board, slot, n).then(
      (value) => ({ value }),
      (error: unknown) => {
        this.rejected.set(slot, error);
        return { error };
      },
    );
  }

  /** Breaks the rule (or reports a load failure) if run() rejected a job that never began. */
  checkRejections(): void {
    for (const [slot, error] of this.rejected) {
      if (read(this.board, slot, "started")) continue;
      rethrowLoadFailure(error);
      rule(false, `run() rejected job ${slot} before it began, with ${show(error)}`);
    }
  }

  /** Ends the repetition: every job released (a failed rule leaves none hanging), the heartbeat off. */
  close(): void {
    for (let slot = 0; slot < slots; slot++) release(this.board, slot);
    clearInterval(this.heartbeat);
    process.off("worker", this.onWorker);
  }
}

/**
 * Runs `body` with a new service of `maxWorkers`; then every worker it started must end (once its job
 * is done). The service is closed whatever happened: every job released, the heartbeat off.
 */
async function withService(
  ctx: ActorContext,
  board: Int32Array,
  maxWorkers: number,
  body: (service: Service) => Promise<void>,
): Promise<void> {
  const service = new Service(board, maxWorkers);
  try {
    await body(service);
    await until(ctx, () => service.exited === service.created, "every worker has ended once its job is done");
  } finally {
    service.close();
  }
}

/** The first rule of every check: a job that ran on the service's own thread blocked its loop. */
function ranOffTheLoop(board: Int32Array, slot: number): void {
  const thread = read(board, slot, "thread");
  const beats = read(board, slot, "beatsAtEnd") - read(board, slot, "beatsAtStart");
  rule(
    thread !== threadId,
    `the event loop was blocked while a job ran: ${beats} heartbeats while the job was in flight. ` +
      `It ran on the service's own thread (thread ${threadId}), inside the event loop, so no timer, ` +
      `request or promise could run until it returned; a Promise around the work changes nothing. Move the work to a worker`,
  );
}

/** Jobs begun and not yet released by the test: in flight, and staying so until released. */
function held(board: Int32Array): number {
  let count = 0;
  for (let slot = 0; slot < slots; slot++) if (read(board, slot, "started") && !read(board, slot, "release")) count++;
  return count;
}

/** Whether some job ran on the service's own thread (ranOffTheLoop then says so). */
function ranHere(board: Int32Array): boolean {
  for (let slot = 0; slot < slots; slot++)
    if (read(board, slot, "started") && read(board, slot, "thread") === threadId) return true;
  return false;
}

/**
 * Awaits until `expected` jobs are held in flight and every worker started so far has begun its
 * job (so no other job is on its way); breaks the rule as soon as more than `bound` are in flight.
 */
async function settle(
  ctx: ActorContext,
  service: Service,
  expected: number,
  bound: number,
  submitted: number,
): Promise<void> {
  const { board } = service;
  const check = () => {
    const most = Atomics.load(board, Board.most);
    rule(
      most <= bound,
      `${most} jobs were in flight at once, with a bound of ${bound} (${submitted} submitted): ` +
        `run() must make a job wait for a turn while ${bound} run, not start a worker for every job`,
    );
  };
  await until(
    ctx,
    () => {
      check();
      service.checkRejections();
      return ranHere(board) || (held(board) >= expected && Atomics.load(board, Board.entered) >= service.created);
    },
    `${expected} jobs are in flight at once (bound ${bound}, ${submitted} submitted): do they run one after the other?`,
  );
  check();
}

export const loopStaysResponsive = scenario<Shared>({
  proves: "while a job is in flight, the service's event loop goes on: heartbeats beat and requests are answered",
  state,
  reset,
  repetitions: 3,
  actors: [
    async ({ board }, ctx) => {
      await withService(ctx, board, 2, async (service) => {
        const n = 20_000 + ctx.repetition;
        ctx.at('run([jobs, "crunch"]) (it must return a Promise at once)');
        const result = service.submit(0, n);
        await until(
          ctx,
          () => (service.checkRejections(), read(board, 0, "started") === 1),
          "the job has begun (did run() start it?)",
        );
        ranOffTheLoop(board, 0);

        const from = read(board, 0, "beatsAtStart");
        await until(
          ctx,
          () => service.beats >= from + beatsInFlight,
          `the heartbeat beats ${beatsInFlight} times while the job is in flight`,
        );
        ctx.at("ping() while the job is in flight");
        rule((await service.ping()) === "pong", "ping() was not answered");
        rule(read(board, 0, "finished") === 0, "the job finished before the test released it?");

        release(board, 0);
        ctx.at("await the job's result");
        const { value, error } = await result;
        rule(error === undefined, `run() rejected with ${String(error)}, but the job returned normally`);
        rule(value === primesBelow(n), `run() resolved with ${String(value)}, not the job's result ${primesBelow(n)}`);
        const seen = read(board, 0, "beatsAtEnd") - read(board, 0, "beatsAtStart");
        rule(seen >= beatsInFlight, `the job saw only ${seen} heartbeats go by while it ran`);
      });
    },
  ],
});

export const jobsRunInParallel = scenario<Shared>({
  proves: "two jobs run at once, on two different threads, neither of them the service's",
  state,
  reset,
  repetitions: 3,
  actors: [
    async ({ board }, ctx) => {
      await withService(ctx, board, 2, async (service) => {
        ctx.at("run() twice");
        const results = [0, 1].map((slot) => service.submit(slot, 10_000 + slot));
        await settle(ctx, service, 2, 2, 2);
        ranOffTheLoop(board, 0);
        ranOffTheLoop(board, 1);
        const [first, second] = [read(board, 0, "thread"), read(board, 1, "thread")];
        rule(first !== second, `both jobs ran on the same thread (${first})`);
        rule(Atomics.load(board, Board.inside) === 2, `${Atomics.load(board, Board.inside)} jobs in flight, not 2`);

        release(board, 0);
        release(board, 1);
        ctx.at("await both results");
        for (const [slot, result] of results.entries()) {
          const { value, error } = await result;
          rule(error === undefined, `run() rejected with ${String(error)}, but the job returned normally`);
          rule(
            value === primesBelow(10_000 + slot),
            `job ${slot}: run() resolved with ${String(value)}, not ${primesBelow(10_000 + slot)}`,
          );
        }
      });
    },
  ],
});

export const boundedConcurrency = scenario<Shared>({
  proves:
    "with a bound of 2, at most 2 jobs are in flight at once, however many are submitted, and every job completes with its own result",
  state,
  reset,
  repetitions: 2,
  actors: [
    async ({ board }, ctx) => {
      const bound = 2;
      const count = 5;
      await withService(ctx, board, bound, async (service) => {
        const n = (slot: number) => 5_000 + 1_000 * slot;
        ctx.at(`run() ${count} times`);
        const results = Array.from({ length: count }, (_, slot) => service.submit(slot, n(slot)));
        for (let released = 0; released < count;) {
          await settle(ctx, service, Math.min(bound, count - released), bound, count);
          for (let slot = 0; slot < count; slot++) ranOffTheLoop(board, slot);
          for (let slot = 0; slot < count; slot++) {
            if (read(board, slot, "started") && !read(board, slot, "release")) {
              release(board, slot);
              released++;
            }
          }
        }
        ctx.at("await every result");
        for (const [slot, result] of results.entries()) {
          const { value, error } = await result;
          rule(error === undefined, `job ${slot}: run() rejected with ${String(error)}, but the job returned normally`);
          rule(
            value === primesBelow(n(slot)),
            `job ${slot}: run() resolved with ${String(value)}, not its own result ${primesBelow(n(slot))}: did each caller get its own job's result?`,
          );
        }
        rule(
          Atomics.load(board, Board.entered) === count,
          `${Atomics.load(board, Board.entered)} jobs ran, not ${count}`,
        );
      });
    },
  ],
});

/** What a promise settled to, once it has: followed without awaiting it. */
interface Settled {
  settled: boolean;
  rejected: boolean;
  value: unknown;
}

function follow(promise: Promise<unknown>): Settled {
  const seen: Settled = { settled: false, rejected: false, value: undefined };
  promise.then(
    (value) => Object.assign(seen, { settled: true, value }),
    (error: unknown) => Object.assign(seen, { settled: true, rejected: true, value: error }),
  );
  return seen;
}

/**
 * Awaits until every promise has settled, or until every worker started so far has ended (its "exit"
 * delivered) and a few more turns have passed: by then each promise has had every chance to settle.
 * A job whose module could not be loaded is reported as a load failure.
 */
async function settleAll(ctx: ActorContext, service: Service, promises: Promise<unknown>[]): Promise<Settled[]> {
  const seen = promises.map(follow);
  const allSettled = () => seen.every((s) => s.settled);
  const done = () => {
    for (const s of seen) if (s.rejected) rethrowLoadFailure(s.value);
    return allSettled() || (service.created >= promises.length && service.exited === service.created);
  };
  // A label is at most 95 bytes: the counts say it all.
  const state = () => {
    const settled = seen.filter((s) => s.settled).length;
    const never = promises.length - service.created;
    return `${promises.length} run()s settle: ${settled} did; ${never > 0 ? `${never} never got a worker (a turn not given back?)` : `${service.exited} workers ended`}`;
  };
  await until(ctx, done, state);
  for (let i = 0; i < 5 && !allSettled(); i++) await turn();
  return seen;
}

const show = (value: unknown) =>
  value instanceof Error
    ? `${value.name}: ${value.message}`
    : typeof value === "string"
      ? JSON.stringify(value)
      : typeof value === "object" && value !== null
        ? JSON.stringify(value)
        : String(value);

/** The turns of failed jobs came back: two jobs can be in flight at once again (bound 2), each with its result. */
async function turnsGivenBack(ctx: ActorContext, service: Service, after: string): Promise<void> {
  const { board } = service;
  ctx.at(`run() twice, after ${after}`);
  const results = [0, 1].map((slot) => service.submit(slot, 2_000 + slot));
  const before = service.created;
  await until(
    ctx,
    () => ranHere(board) || (held(board) >= 2 && Atomics.load(board, Board.entered) >= service.created - before),
    `two jobs are in flight at once (bound 2) after ${after}: did a failed job keep its turn? Every job gives its turn back, however it ends`,
  );
  for (const slot of [0, 1]) {
    ranOffTheLoop(board, slot);
    release(board, slot);
  }
  for (const [slot, result] of results.entries()) {
    const { value, error } = await result;
    rule(
      error === undefined && value === primesBelow(2_000 + slot),
      `after ${after}, job ${slot} gave ${error === undefined ? String(value) : `the error ${show(error)}`}, not ${primesBelow(2_000 + slot)}`,
    );
  }
}

function failureScenario(job: "failNow" | "failLater", how: string) {
  return scenario<Shared>({
    proves: `a job that ${how} rejects the caller's promise with its error, name and message intact; a job that returns resolves it`,
    state,
    reset,
    repetitions: 3,
    actors: [
      async ({ board }, ctx) => {
        await withService(ctx, board, 2, async (service) => {
          const message = `job ${ctx.repetition} failed`;
          ctx.at(`run([jobs, "${job}"])`);
          const [settled] = (await settleAll(ctx, service, [service.offloader.run([jobs, job], message)])) as [Settled];
          rule(
            settled.settled,
            `the job ${how} "${message}", its worker has ended, and run()'s promise is still pending: the error never reached the caller`,
          );
          const { value, rejected } = settled;
          rule(
            rejected,
            `run() resolved (with ${JSON.stringify(value)}), but the job ${how} JobFailed("${message}"): the error must reject the caller's promise`,
          );
          rule(
            value instanceof Error && value.message === message,
            `run() rejected with ${String(value)}, not the Error with the message "${message}"`,
          );
          rule(
            value.name === "JobFailed",
            `run() rejected with an error named "${value.name}", not "JobFailed" (a structured clone makes every custom error a plain Error: send the name along)`,
          );

          ctx.at(`run([jobs, "primesBelow"])`);
          const count = await service.offloader.run([jobs, "primesBelow"], 1_000 + ctx.repetition);
          rule(
            count === primesBelow(1_000 + ctx.repetition),
            `after a failed job, run() resolved with ${String(count)}, not ${primesBelow(1_000 + ctx.repetition)}`,
          );
        });
      },
    ],
  });
}

export const errorReachesCaller = failureScenario("failNow", "throws");
export const rejectionReachesCaller = failureScenario("failLater", "rejects");

export const everyThrownValueReachesCaller = scenario<Shared>({
  proves:
    "whatever a job throws or rejects with (an Error of any class, a string, a number, null, undefined, an object) rejects the caller's promise with it, and every failed job gives its turn back",
  state,
  reset,
  // Three failing jobs per repetition, more than the bound: a job starts a worker of its own, and the
  // harness's deadline counts from one repetition to the next.
  repetitions: Math.ceil(thrownCases.length / 3),
  actors: [
    async ({ board }, ctx) => {
      await withService(ctx, board, 2, async (service) => {
        const cases = thrownCases.slice((ctx.repetition % Math.ceil(thrownCases.length / 3)) * 3).slice(0, 3);
        ctx.at(`run([jobs, "throwValue"]) ${cases.length} times, bound 2`);
        const outcomes = await settleAll(
          ctx,
          service,
          cases.map(([kind, later]) => service.offloader.run([jobs, "throwValue"], kind, later)),
        );
        for (const [index, [kind, later]] of cases.entries()) {
          const how = `${later ? "rejected with" : "threw"} ${show(thrownValues[kind]())}`;
          const { settled, rejected, value } = outcomes[index]!;
          rule(
            settled,
            `a job ${how}, its worker has ended, and run()'s promise is still pending: the error never reached the caller`,
          );
          rule(
            rejected,
            `a job ${how}, but run() resolved with ${show(value)}: whatever a job throws must reject the caller's promise`,
          );
          const thrown = thrownValues[kind]();
          if (thrown instanceof Error) {
            rule(
              value instanceof Error && value.name === thrown.name && value.message === thrown.message,
              `a job ${how}, and run() rejected with ${show(value)}: the error must arrive with its name and message`,
            );
          } else {
            rule(
              isDeepStrictEqual(value, thrown),
              `a job ${how}, and run() rejected with ${show(value)}: a value that is no Error must arrive as it was thrown`,
            );
          }
        }
        await turnsGivenBack(ctx, service, `${cases.length} failed jobs (bound 2)`);
      });
    },
  ],
});

export const everyReturnedValueReachesCaller = scenario<Shared>({
  proves: 'whatever a job returns (undefined, null, 0, "", false, an object) resolves the caller\'s promise with it',
  state,
  reset,
  repetitions: 2,
  actors: [
    async ({ board }, ctx) => {
      await withService(ctx, board, 2, async (service) => {
        const kinds = (Object.keys(returnedValues) as ReturnedKind[]).filter((_, i) => i % 2 === ctx.repetition % 2);
        ctx.at(`run([jobs, "returnValue"]) ${kinds.length} times`);
        const outcomes = await settleAll(
          ctx,
          service,
          kinds.map((kind) => service.offloader.run([jobs, "returnValue"], kind)),
        );
        for (const [index, kind] of kinds.entries()) {
          const returned = returnedValues[kind]();
          const { settled, rejected, value } = outcomes[index]!;
          rule(settled, `a job returned ${show(returned)}, its worker has ended, and run()'s promise is still pending`);
          rule(
            !rejected,
            `a job returned ${show(returned)}, but run() rejected with ${show(value)}: only what a job throws rejects`,
          );
          rule(
            isDeepStrictEqual(value, returned),
            `a job returned ${show(returned)}, but run() resolved with ${show(value)}`,
          );
        }
      });
    },
  ],
});

export const lostWorkersRejectAndGiveTheirTurnBack = scenario<Shared>({
  proves:
    "a job whose error escapes it (thrown from a timer) rejects with that error; a job whose worker ends without a result (process.exit) rejects; both give their turn back",
  state,
  reset,
  repetitions: 2,
  actors: [
    async ({ board }, ctx) => {
      await withService(ctx, board, 2, async (service) => {
        const message = "thrown from a timer";
        // Three jobs that lose their worker, more than the bound, in each repetition.
        const cases: Array<["throwUncaught", string] | ["exitNow", number]> =
          ctx.repetition % 2 === 0
            ? [
                ["throwUncaught", message],
                ["exitNow", 3],
                ["throwUncaught", message],
              ]
            : [
                ["exitNow", 0],
                ["throwUncaught", message],
                ["exitNow", 3],
              ];
        ctx.at(`run([jobs, "throwUncaught"]) and run([jobs, "exitNow"]), 3 in all`);
        const outcomes = await settleAll(
          ctx,
          service,
          cases.map(([job, argument]) => service.offloader.run([jobs, job], argument)),
        );
        for (const [index, outcome] of outcomes.entries()) {
          const [job, argument] = cases[index]!;
          const uncaught = job === "throwUncaught";
          const what = uncaught
            ? `a job threw JobFailed("${message}") from a timer (it escaped the job: the Worker's "error" event)`
            : `a job ended its worker with process.exit(${argument}), with no result`;
          rule(
            outcome.settled,
            `${what}; the worker has ended, and run()'s promise is still pending: settle it when the worker ends ("exit"), whatever came before`,
          );
          rule(outcome.rejected, `${what}, but run() resolved with ${show(outcome.value)}`);
          rule(outcome.value instanceof Error, `${what}, and run() rejected with ${show(outcome.value)}, not an Error`);
          if (uncaught)
            rule(
              outcome.value.message === message,
              `${what}, and run() rejected with ${show(outcome.value)}, not that error`,
            );
          else
            rule(
              outcome.value.message.includes(String(argument)),
              `${what}, and run() rejected with ${show(outcome.value)}: name the cause, the worker's exit code ${argument}`,
            );
        }
        await turnsGivenBack(ctx, service, "three jobs whose workers ended without a result");
      });
    },
  ],
});

export const waitingJobsStartInOrder = scenario<Shared>({
  proves:
    "with maxWorkers 1, one job at a time, and the jobs waiting for a turn start in the order they were submitted; maxWorkers must be a whole number of at least 1",
  state,
  reset,
  repetitions: 1,
  actors: [
    async ({ board }, ctx) => {
      for (const bad of [0, -1, 1.5, Number.NaN]) {
        let error: unknown;
        try {
          new Offloader(bad);
        } catch (thrown) {
          error = thrown;
        }
        rule(
          error instanceof RangeError && error.message.includes("maxWorkers"),
          `new Offloader(${bad}) gave ${error === undefined ? "an Offloader" : show(error)}, not a RangeError about maxWorkers`,
        );
      }
      const count = 4;
      await withService(ctx, board, 1, async (service) => {
        ctx.at(`run() ${count} times, bound 1`);
        const results = Array.from({ length: count }, (_, slot) => service.submit(slot, 3_000 + slot));
        for (let next = 0; next < count; next++) {
          await settle(ctx, service, 1, 1, count);
          ranOffTheLoop(board, next);
          const started = Array.from({ length: count }, (_, slot) => slot).filter(
            (slot) => read(board, slot, "started") && !read(board, slot, "release"),
          );
          rule(
            started.length === 1 && started[0] === next,
            `job ${started[0]} began its turn while job ${next}, submitted before it, still waited: jobs waiting for a turn start first come, first served`,
          );
          release(board, next);
        }
        ctx.at("await every result");
        for (const [slot, result] of results.entries()) {
          const { value, error } = await result;
          rule(
            error === undefined && value === primesBelow(3_000 + slot),
            `job ${slot}: run() gave ${error === undefined ? String(value) : show(error)}, not its own result ${primesBelow(3_000 + slot)}`,
          );
        }
      });
    },
  ],
});
