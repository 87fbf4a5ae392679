// The explore mode proves itself: the one bad interleaving of a small program is found in every
// run, by the same schedule, and shown; its string replays it exactly; a deadlock and a lost wakeup
// are called the moment nobody can go on (no deadline waited out); a spin that never ends is an
// endless loop; time is virtual.

import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, describe, expect, test } from "vitest";
import { stopBundler } from "../engine/bundle.ts";
import { ActorPool } from "../engine/pool.ts";
import { explore } from "../strategy/explore/conductor.ts";

const here = path.dirname(fileURLToPath(import.meta.url));
const fixtures = path.join(here, "explore.scenarios.ts");
const history = path.join(here, "history.scenarios.ts");

async function explored(pool: ActorPool, scenario: string): Promise<Error> {
  try {
    await pool.drive(explore, scenario);
  } catch (error) {
    return error as Error;
  }
  throw new Error(`${scenario} passed the explore mode; it should have failed`);
}

const replayOf = (error: Error) => /THREADKATA_REPLAY=(\S+)/.exec(error.message)?.[1];
/** The timeline without its first lines (which say which schedule found it). */
const timelineOf = (error: Error) =>
  error.message.slice(error.message.indexOf("  step "), error.message.indexOf("  replay"));

describe("explore mode", () => {
  const saved = { ...process.env };
  const pool = new ActorPool("00-fixture", fixtures);
  afterEach(() => {
    process.env = { ...saved };
  });
  afterAll(async () => {
    await pool.close();
    await stopBundler();
  });

  test("counter[0]++ on a view the code made itself: the lost update is found, in every run by the same schedule, and shown step by step", async () => {
    const first = await explored(pool, "plainIncrements");
    expect(first.name).toBe("ForbiddenOutcome");
    expect(first.message).toMatch(/^lost an update: 2 increments left 1/);
    expect(first.message).toMatch(/found by the explore mode in schedule \d+/);
    // Both threads read before either writes: the preemption is marked.
    expect(first.message).toMatch(/reads word \d+ → 0[\s\S]*⇢[\s\S]*reads word \d+ → 0/);
    expect(first.message).toMatch(/explore\.scenarios\.ts:\d+/);
    for (let run = 0; run < 3; run++) expect((await explored(pool, "plainIncrements")).message).toBe(first.message);
  });

  test("the printed schedule replays the same failure, step for step, every time", async () => {
    const found = await explored(pool, "plainIncrements");
    const schedule = replayOf(found);
    expect(schedule).toMatch(/^plainIncrements\/[0-9a-f]{8}\/\d+\/[\d*.]+$/);
    process.env.THREADKATA_REPLAY = schedule;
    for (let run = 0; run < 5; run++) {
      const replayed = await explored(pool, "plainIncrements");
      expect(replayed.name).toBe("ForbiddenOutcome");
      expect(replayed.message).toMatch(/replayed schedule \(THREADKATA_REPLAY\)/);
      expect(timelineOf(replayed)).toBe(timelineOf(found));
    }
  });

  test("Atomics.add passes every schedule tried, and every schedule with at most 2 preemptions: proved for the scenario", async () => {
    const report = await pool.drive(explore, "atomicIncrements");
    expect(report.schedules).toBeGreaterThanOrEqual(100);
    expect(report.proved).toBe(true);
  });

  test("a failing schedule is shrunk to the fewest preemptions that still fail: a lost update needs one", async () => {
    const error = await explored(pool, "plainIncrements");
    expect(error.message).toMatch(/; shrunk to 1 preemption\(s\), \d+ steps/);
  });

  test("locks taken in opposite orders: a Deadlock the moment both sleep, naming where each sleeps", async () => {
    process.env.THREADKATA_DEADLINE_MS = "60000"; // a verdict that waited for the deadline would time the test out
    const started = performance.now();
    const error = await explored(pool, "oppositeOrders");
    expect(error.name).toBe("Deadlock");
    expect(error.message).toMatch(/actor 0: asleep in Atomics\.wait on locks\[1\] inside take 0 then 1/);
    expect(error.message).toMatch(/actor 1: asleep in Atomics\.wait on locks\[0\] inside take 1 then 0/);
    expect(performance.now() - started).toBeLessThan(20_000);
  });

  test("a notify before the store: the lost wakeup is a Deadlock, found and shown", async () => {
    process.env.THREADKATA_DEADLINE_MS = "60000";
    const error = await explored(pool, "notifyBeforeStore");
    expect(error.name).toBe("Deadlock");
    expect(error.message).toMatch(
      /Atomics\.wait\(flag\[0\], 0\): sleeps[\s\S]*Atomics\.store\(flag\[0\], 1\)[\s\S]*finishes/,
    );
  });

  test("a spin on a word nobody writes is an EndlessLoop, not a wait for the deadline", async () => {
    process.env.THREADKATA_DEADLINE_MS = "60000";
    const error = await explored(pool, "spinsForever");
    expect(error.name).toBe("EndlessLoop");
    expect(error.message).toMatch(/Atomics\.load\(flag\[0\]\) → 0/);
  });

  test("a spin of 3000 reads before a sleep is no endless loop: the clock stands still while the code spins without looking at it", async () => {
    await pool.drive(explore, "spinThenSleep");
  });

  test("time is virtual: a wait of 50 s times out after exactly 50 s, at once", async () => {
    const started = performance.now();
    await pool.drive(explore, "virtualTime");
    expect(performance.now() - started).toBeLessThan(20_000);
  });

  test("a queue without its lock: explored, the lost item is found in every run (the stress run may miss it)", async () => {
    const queues = new ActorPool("00-fixture", history);
    try {
      for (let run = 0; run < 2; run++) {
        const error = await explored(queues, "racyQueue");
        expect(error.name).toBe("ForbiddenOutcome");
        expect(error.message).toMatch(/^not linearizable/);
      }
    } finally {
      await queues.close();
    }
  });
});
