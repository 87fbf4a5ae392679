// The harness proves its own reports: each way code under test can go wrong ends in the right
// classified failure, quickly, with nothing left running.

import { readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, describe, expect, test } from "vitest";
import { stopBundler } from "../engine/bundle.ts";
import { ActorPool } from "../engine/pool.ts";
import { stress } from "../strategy/stress.ts";
import { failure } from "./failure.ts";
import { temporaryFolder } from "../engine/temp.ts";

const here = path.dirname(fileURLToPath(import.meta.url));
const misbehaving = path.join(here, "misbehaving.scenarios.ts");

function threadCount(): number {
  return readdirSync("/proc/self/task").length;
}

describe("harness", () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });
  afterAll(() => stopBundler());

  test("a lost wakeup ends within the deadline, naming the sleeper and the actor that waits for it", async () => {
    process.env.THREADKATA_DEADLINE_MS = "300";
    const pool = new ActorPool("00-fixture", misbehaving);
    const before = threadCount();
    const error = await failure(pool, "lostWakeup");
    expect(error.name).toBe("DeadlineExceeded");
    expect(error.message).toMatch(
      /actor 0 \(thread \d+\): asleep in Atomics.wait \(no timeout\) inside waitForever\(\)/,
    );
    expect(error.message).toMatch(
      /actor 1 \(thread \d+\): (finished its repetitions|at the start line of repetition 1)/,
    );
    expect(error.message).toMatch(/seed 0x[0-9a-f]{8}: THREADKATA_SEED=0x[0-9a-f]{8} npm test -- 00-fixture/);
    // The stuck threads were terminated, not left behind.
    expect(threadCount()).toBeLessThanOrEqual(before);
  });

  test("an endless loop is reported as still running, where it runs", async () => {
    process.env.THREADKATA_DEADLINE_MS = "300";
    const error = await failure(new ActorPool("00-fixture", misbehaving), "endlessLoop");
    expect(error.name).toBe("DeadlineExceeded");
    expect(error.message).toMatch(/still running inside spinForever\(\)/);
  });

  test("past the control block's label slots, a stuck thread is still named where it is", async () => {
    process.env.THREADKATA_DEADLINE_MS = "300";
    const error = await failure(new ActorPool("00-fixture", misbehaving), "manyLabels");
    expect(error.name).toBe("DeadlineExceeded");
    expect(error.message).toMatch(/asleep in Atomics.wait \(no timeout\) inside step 70[,\n]/);
  });

  test("a deadlock names its cycle: who holds which lock and waits for which", async () => {
    process.env.THREADKATA_DEADLINE_MS = "5000";
    const error = await failure(new ActorPool("00-fixture", misbehaving), "oppositeOrder");
    expect(error.name).toBe("DeadlineExceeded");
    expect(error.message.split("\n")[0]).toBe(
      "deadlock: actor 0 holds lock A and waits for lock B; actor 1 holds lock B and waits for lock A",
    );
    expect(error.message).toMatch(
      /actor 0 \(thread \d+\): asleep in Atomics.wait \(no timeout\) inside take b, repetition 0; holds lock A, waits for lock B \(held by actor 1\)/,
    );
    expect(error.message).toMatch(
      /actor 1 \(thread \d+\): asleep in Atomics.wait \(no timeout\) inside take a, repetition 0; holds lock B, waits for lock A \(held by actor 0\)/,
    );
    expect(error.message).toMatch(/Take locks in one order that every thread follows/);
    // Nothing can end this deadlock, so it is reported without waiting out the deadline.
    const quiet = Number(/no progress for (\d+) ms/.exec(error.message)?.[1]);
    expect(quiet).toBeLessThan(Number(process.env.THREADKATA_DEADLINE_MS));
  });

  test("a lock left held by a thread that finished: the waiter and the holder, and no cycle", async () => {
    process.env.THREADKATA_DEADLINE_MS = "300";
    const error = await failure(new ActorPool("00-fixture", misbehaving), "heldByFinished");
    expect(error.name).toBe("DeadlineExceeded");
    expect(error.message).not.toMatch(/deadlock:/);
    expect(error.message).toMatch(/^no progress for 300 ms in heldByFinished/);
    expect(error.message).toMatch(
      /actor 0 \(thread \d+\): finished its part of repetition 0, waiting for the others; holds lock A/,
    );
    expect(error.message).toMatch(
      /actor 1 \(thread \d+\): asleep in Atomics.wait \(no timeout\) inside take a, repetition 0; waits for lock A \(held by actor 0\)/,
    );
  });

  test("a stub's NotImplementedError arrives as one line naming kata, function and file", async () => {
    const error = await failure(new ActorPool("00-fixture", misbehaving), "stub");
    expect(error.name).toBe("NotImplementedError");
    expect(error.message).toBe("not implemented yet: 00-fixture: thing() in harness/test/misbehaving.scenarios.ts");
  });

  test("an exception in the code under test names the actor and points at the code", async () => {
    const error = await failure(new ActorPool("00-fixture", misbehaving), "throws");
    expect(error.name).toBe("ExceptionInThread");
    expect(error.message).toMatch(/^actor 0 threw TypeError: cannot read the thing/);
    expect(error.stack).toMatch(/at learnerCode .*harness\/test\/misbehaving\.scenarios\.ts:\d+:\d+/);
  });

  test("a thread that exits by itself is a crash, not a hang", async () => {
    const error = await failure(new ActorPool("00-fixture", misbehaving), "exits");
    expect(error.name).toBe("WorkerCrashed");
    expect(error.message).toMatch(/exit code 3/);
  });

  test("a thread's module that cannot be bundled is a load failure, not a hang or a crash", async () => {
    const error = await failure(new ActorPool("00-fixture", misbehaving), "startsUnloadableThread");
    expect(error.name).toBe("ScenarioLoadError");
    expect(error.message).toMatch(/could not load .*noSuchExport/);
  });

  test("a forbidden outcome shows the histogram of every outcome seen", async () => {
    const error = await failure(new ActorPool("00-fixture", misbehaving), "sometimesForbidden");
    expect(error.name).toBe("ForbiddenOutcome");
    expect(error.message).toMatch(/^every third run is forbidden \(first seen in repetition 2\)/);
    expect(error.message).toMatch(/\d+ × fine +acceptable/);
    expect(error.message).toMatch(/\d+ × third +FORBIDDEN: every third run is forbidden/);
  });

  test("a syntax error in the code under test is a load failure with file and line", async () => {
    const folder = temporaryFolder("broken-");
    writeFileSync(path.join(folder, "broken.ts"), "export const nothing = {\n  oops oops\n};\n");
    process.env.THREADKATA_SWAP = `00-fixture/broken.ts=${path.join(folder, "broken.ts")}`;
    const error = await failure(new ActorPool("00-fixture", path.join(here, "broken.scenarios.ts")), "loadsBrokenCode");
    expect(error.name).toBe("ScenarioLoadError");
    expect(error.message).toMatch(/Expected "}" but found "oops"/);
    expect(error.message).toMatch(/broken\.ts:2:7/);
  });

  test("a wait that cannot block (a timeout of 0, a word that changed) is no sleep; one that blocks is", async () => {
    const pool = new ActorPool("00-fixture", misbehaving);
    const report = await pool.drive(stress, "sleepsAreWaitsThatBlock");
    await pool.close();
    expect(report.outcomes).toEqual([{ key: "finished", count: report.repetitions, firstRepetition: 0 }]);
  });

  test("no false alarms: thousands of repetitions of nothing, on four threads, all pass", async () => {
    const pool = new ActorPool("00-fixture", misbehaving);
    const report = await pool.drive(stress, "nothingAtAll");
    await pool.close();
    // On a crowded machine the time budget may end the run before all 5,000: what matters is that
    // every repetition that ran finished, and none was taken for a failure.
    expect(report.repetitions).toBeGreaterThan(1_000);
    expect(report.outcomes).toEqual([{ key: "finished", count: report.repetitions, firstRepetition: 0 }]);
  });
});
