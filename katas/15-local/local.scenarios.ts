// The flow-local data kata's scenarios. They run inside worker threads (see harness/scenario.ts):
// every actor is a worker thread that runs many flows at once on its own event loop, so the
// interleaving the kata is about (many requests on one thread) happens in every thread at once.

import { currentFlowName, local, logger, runFlow, type Logger } from "#kata/15-local/local.ts";
import { crowd, rule, scenario, type ActorContext } from "#threadkata/scenario.ts";

type Data = Partial<{ user: string; x: number; y: number; z: number }>;
type Other = Partial<{ user: string; x: number }>;

// Made once per thread, outside any flow, as a program makes them at the top of a module (in the
// first actor's call, not at load: a stub's NotImplementedError must fail the test, not the load).
let data: Data;
let other: Other;
let log: Logger;
const lines: string[] = [];

const state = () => ({});

/**
 * Makes this thread's locals and logger the first time; empties this thread's values outside any
 * flow, and its log, for each repetition (a scenario's reset runs in one thread only).
 */
function fresh(): void {
  if (log === undefined) {
    data = local<Data>();
    other = local<Other>();
    log = logger((line) => lines.push(line));
  }
  for (const key of Object.keys(data) as (keyof typeof data)[]) delete data[key];
  for (const key of Object.keys(other) as (keyof typeof other)[]) delete other[key];
  lines.length = 0;
}

/** Rejects instead of throwing from inside a callback, so that a broken rule fails the flow's promise. */
function after(schedule: (callback: () => void) => void, check: () => void): Promise<void> {
  return new Promise((resolve, reject) =>
    schedule(() => {
      try {
        check();
        resolve();
      } catch (error) {
        reject(error);
      }
    }),
  );
}

/** The ways a flow goes on later; `check` runs where it goes on. */
const hops: [string, (check: () => void) => Promise<void>][] = [
  [
    "await",
    async (check) => {
      await null;
      check();
    },
  ],
  ["setTimeout(1)", (check) => after((go) => setTimeout(go, 1), check)],
  ["setTimeout(0)", (check) => after((go) => setTimeout(go, 0), check)],
  ["setImmediate", (check) => after((go) => setImmediate(go), check)],
  ["process.nextTick", (check) => after((go) => process.nextTick(go), check)],
  ["queueMicrotask", (check) => after((go) => queueMicrotask(go), check)],
  [
    "a promise chain",
    (check) =>
      Promise.resolve()
        .then(check)
        .then(() => new Promise((resolve) => setTimeout(resolve, 0)))
        .then(check),
  ],
  [
    "Promise.all of the flow's own sub-tasks",
    async (check) => {
      await Promise.all(
        [0, 1, 2].map(async () => {
          await after((go) => setImmediate(go), check);
          await null;
          check();
        }),
      );
    },
  ],
  [
    "setInterval (twice)",
    (check) =>
      new Promise((resolve, reject) => {
        let ticks = 0;
        const timer = setInterval(() => {
          try {
            check();
          } catch (error) {
            clearInterval(timer);
            reject(error);
            return;
          }
          if (++ticks === 2) {
            clearInterval(timer);
            resolve();
          }
        }, 1);
      }),
  ],
];

/** The hops in an order of this repetition's choosing, so flows interleave differently each time. */
function shuffled(ctx: ActorContext): typeof hops {
  const order = [...hops];
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(ctx.random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

/** A flow that knows it is `name` and holds `user`: both must hold wherever it goes on. */
function checker(name: string, user: string, where: string): () => void {
  return () => {
    const now = currentFlowName();
    rule(
      now === name,
      `after ${where}, code of flow "${name}" ran as flow "${now}": a flow's name must follow it across ${where}`,
    );
    rule(
      data.user === user,
      `after ${where}, flow "${name}" read user = ${JSON.stringify(data.user)}, not its own ${JSON.stringify(user)}: another flow's value crossed into it`,
    );
  };
}

/** One request: a flow that sets its user, goes on in every way there is, and checks and logs each time. */
async function request(name: string, user: string, ctx: ActorContext): Promise<void> {
  await runFlow(name, async () => {
    rule(
      data.user === undefined,
      `flow "${name}" started with user = ${JSON.stringify(data.user)}: a new flow starts with no values`,
    );
    data.user = user;
    log.info(`${user} starts`);
    for (const [where, hop] of shuffled(ctx)) {
      await hop(checker(name, user, where));
      log.info(`${user} after ${where}`);
    }
  });
}

const flowsPerThread = 24;

/** Many flows at once in every thread, across awaits, timers and promise chains: none sees another's value or name. */
export const flowsKeepTheirValues = scenario({
  state,
  actors: crowd(3, async (_, ctx) => {
    fresh();
    data.user = "outside";
    await Promise.all(
      Array.from({ length: flowsPerThread }, (_, i) => request(`request-${i}`, `user-${ctx.actor}-${i}`, ctx)),
    );
    rule(
      currentFlowName() === "MainThread",
      `once every flow had ended, the code outside them ran as flow "${currentFlowName()}", not "MainThread"`,
    );
    rule(
      data.user === "outside",
      `once every flow had ended, the code outside them read user = ${JSON.stringify(data.user)}, not its own "outside": a flow's value leaked out of it`,
    );
  }),
  repetitions: 15,
});

/** Every log line carries the name of the flow that wrote it, though the flows' lines interleave. */
export const logLinesCarryTheirFlow = scenario({
  state,
  actors: crowd(2, async (_, ctx) => {
    fresh();
    await Promise.all(Array.from({ length: flowsPerThread }, (_, i) => request(`request-${i}`, `user-${i}`, ctx)));
    const returned = log.info("all done");
    rule(
      returned === "[MainThread] all done",
      `info() must return the line it wrote, "[MainThread] all done"; it returned ${JSON.stringify(returned)}`,
    );
    const printed: string[] = [];
    const consoleLog = console.log;
    console.log = (line: string) => void printed.push(line);
    try {
      logger().info("to the console");
    } finally {
      console.log = consoleLog;
    }
    rule(
      printed.length === 1 && printed[0] === "[MainThread] to the console",
      `logger() without a write function must write with console.log; console.log got ${JSON.stringify(printed)}`,
    );
    const expected = flowsPerThread * (hops.length + 1) + 1;
    rule(lines.length === expected, `${expected} log lines were written, and the logger passed on ${lines.length}`);
    for (const line of lines) {
      const user = /^\[[^\]]*\] (user-(\d+)|all done)/.exec(line);
      rule(user !== null, `a log line should read "[<flow name>] <message>"; it read ${JSON.stringify(line)}`);
      const name = user[2] === undefined ? "MainThread" : `request-${user[2]}`;
      rule(
        line.startsWith(`[${name}] `),
        `the line ${JSON.stringify(line)} was written by flow "${name}", but is stamped with another name`,
      );
    }
  }),
  repetitions: 15,
});

/**
 * A flow started from inside another starts with no values and its own name; it does not change
 * the caller's values, and the caller is its own flow again as soon as runFlow() returns, even if
 * fn threw. runFlow() returns what fn returns.
 */
export const nestedFlows = scenario({
  state,
  actors: crowd(2, async (_, ctx) => {
    fresh();
    await runFlow("outer", async () => {
      data.user = "outer user";
      const inner = runFlow("inner", () => {
        rule(
          data.user === undefined,
          `a flow started inside flow "outer" read user = ${JSON.stringify(data.user)}: a new flow starts with no values, not its caller's`,
        );
        rule(
          currentFlowName() === "inner",
          `inside runFlow("inner", fn), currentFlowName() returned "${currentFlowName()}"`,
        );
        data.user = "inner user";
        return 42;
      });
      rule(inner === 42, `runFlow() must return what fn returns: fn returned 42, runFlow() ${JSON.stringify(inner)}`);
      checker("outer", "outer user", "runFlow() of a synchronous inner flow returned")();

      const later = runFlow("inner, async", async () => {
        await hops[ctx.repetition % hops.length]![1](() => undefined);
        data.user = "async inner user";
        await null;
        checker("inner, async", "async inner user", "an await inside the inner flow")();
        return "done";
      });
      rule(later instanceof Promise, "runFlow() of an async fn must return fn's promise");
      checker("outer", "outer user", "runFlow() of an async inner flow returned (before it ended)")();
      rule(
        (await later) === "done",
        "runFlow() of an async fn must return fn's promise, resolved with what fn returned",
      );
      checker("outer", "outer user", "awaiting an async inner flow")();

      let thrown: unknown;
      try {
        runFlow("inner, throwing", () => {
          data.user = "throwing inner user";
          throw new Error("fn failed");
        });
      } catch (error) {
        thrown = error;
      }
      rule(
        thrown instanceof Error && thrown.message === "fn failed",
        "runFlow() must let fn's error through to its caller",
      );
      checker("outer", "outer user", "an inner flow threw")();
    });
    rule(
      currentFlowName() === "MainThread",
      `after the outer flow ended, the code outside it ran as flow "${currentFlowName()}", not "MainThread"`,
    );
  }),
  repetitions: 20,
});

/**
 * Code outside any flow is a flow of its own (Python's MainThread): its name is "MainThread", its
 * values are its own, and a timer it set fires with them, even while other flows are running.
 */
export const outsideAnyFlow = scenario({
  state,
  actors: crowd(2, async () => {
    fresh();
    rule(
      currentFlowName() === "MainThread",
      `outside any flow, currentFlowName() must be "MainThread"; it was "${currentFlowName()}"`,
    );
    rule(
      data.user === undefined,
      `outside any flow, after the values were deleted, user read ${JSON.stringify(data.user)}`,
    );
    data.user = "outside";
    const outside = checker("MainThread", "outside", "a timer set outside any flow fired while flows ran");
    const timer = after((go) => setTimeout(go, 2), outside);
    const flows = Array.from({ length: 8 }, (_, i) =>
      runFlow(`request-${i}`, async () => {
        rule(
          data.user === undefined,
          `flow "request-${i}" read user = ${JSON.stringify(data.user)} when it began: the values of the code outside any flow are not a flow's`,
        );
        data.user = `user-${i}`;
        await after((go) => setTimeout(go, 1 + (i % 3)), checker(`request-${i}`, `user-${i}`, "setTimeout"));
      }),
    );
    outside();
    await Promise.all([timer, ...flows]);
    outside();
    log.info("outside");
    rule(
      lines.at(-1) === "[MainThread] outside",
      `a line logged outside any flow must read "[MainThread] outside"; it read ${JSON.stringify(lines.at(-1))}`,
    );
  }),
  repetitions: 20,
});

/** Two local() objects never share properties, and two flows with the same name have their own values. */
export const localsAndNamesAreSeparate = scenario({
  state,
  actors: crowd(2, async () => {
    fresh();
    await Promise.all(
      [1, 2, 3].map((i) =>
        runFlow("worker", async () => {
          data.x = i;
          other.x = -i;
          await after(
            (go) => setTimeout(go, 1),
            () => undefined,
          );
          rule(
            data.x === i,
            `two flows both named "worker": one read x = ${data.x}, not its own ${i}: flows are told apart by themselves, not by their names`,
          );
          rule(
            other.x === -i,
            `two local() objects: setting x on one changed x on the other (read ${other.x}, not ${-i})`,
          );
          rule(
            data.user === undefined && other.user === undefined,
            "a property nobody set in this flow must read undefined",
          );
          delete other.x;
          rule(data.x === i, "deleting x from one local() deleted it from another");
        }),
      ),
    );
  }),
  repetitions: 20,
});

/** `in`, delete and Object.keys() see only the current flow's properties. */
export const localProperties = scenario({
  state,
  actors: crowd(2, async () => {
    fresh();
    const first = runFlow("first", async () => {
      data.x = 1;
      data.y = 2;
      await after(
        (go) => setTimeout(go, 2),
        () => undefined,
      );
      rule(
        "x" in data && "y" in data && !("z" in data),
        `in flow "first", "x" in data, "y" in data and !("z" in data) must hold (another flow set z)`,
      );
      const keys = Object.keys(data).sort().join(",");
      rule(keys === "x,y", `in flow "first", Object.keys(data) must be x,y; it was ${JSON.stringify(keys)}`);
      rule(data.x === 1 && data.y === 2, 'flow "first" lost its values while another flow deleted its own');
    });
    const second = runFlow("second", async () => {
      await after(
        (go) => setTimeout(go, 1),
        () => undefined,
      );
      rule(!("x" in data), `in flow "second", "x" in data was true: the property belongs to flow "first"`);
      rule(
        Object.keys(data).length === 0,
        `in flow "second", Object.keys(data) must be empty; it was ${JSON.stringify(Object.keys(data))}`,
      );
      data.z = 3;
      rule("z" in data && data.z === 3, "a property set in this flow must read back");
      delete data.z;
      rule(
        !("z" in data) && data.z === undefined,
        'after delete data.z, "z" in data must be false and data.z undefined',
      );
    });
    await Promise.all([first, second]);
    rule(
      Object.keys(data).length === 0,
      `outside any flow, Object.keys(data) must be empty; it was ${JSON.stringify(Object.keys(data))}`,
    );
  }),
  repetitions: 20,
});
