// The turn of an explored run passes between threads in two writes: the receiver's status, then a
// bump of its turn word. A thread must start on the bump, never on the status alone: under load the
// giver can be descheduled between the two, and a receiver that started early reads its turn word
// before the bump, hands the turn on, and then wakes at the late bump while another thread holds the
// turn. Two threads then ran at once: a right answer was reported as a Deadlock (seen twice, with a
// wait that "timed out" though it had no timeout).

import { describe, expect, test } from "vitest";
import { Aborted } from "../engine/aborted.ts";
import { Word, controlWords } from "../engine/control.ts";
import { Mine, Shared, Status, actorWords, blockWords } from "../strategy/explore/layout.ts";
import { Scheduler } from "../strategy/explore/scheduler.ts";

function stageOfActor1() {
  const block = new Int32Array(new SharedArrayBuffer(blockWords * 4));
  const control = new Int32Array(new SharedArrayBuffer(controlWords * 4));
  const scheduler = new Scheduler(
    { block, lines: new Uint8Array(96), control, memory: new SharedArrayBuffer(4), actor: 1, parties: 2 },
    () => {},
  );
  return { block, control, scheduler };
}

describe("the hand-over of the turn", () => {
  test("a status already 'running' with the turn word not yet bumped does not start the thread", () => {
    const { block, control, scheduler } = stageOfActor1();
    block[actorWords(1) + Mine.status] = Status.running; // the giver's first write; the bump has not come
    Atomics.store(control, Word.abort, 1); // so that the wait ends instead of waiting for the bump
    expect(() => scheduler.awaitSchedule(1)).toThrow(Aborted);
  });

  test("the bump starts it, once per hand-over; a finished batch stops it", () => {
    const { block, scheduler } = stageOfActor1();
    Atomics.add(block, actorWords(1) + Mine.turn, 1);
    expect(scheduler.awaitSchedule(1)).toBe(true);
    Atomics.store(block, Shared.batchDone, 1);
    expect(scheduler.awaitSchedule(1)).toBe(false); // that hand-over was taken: no second start from it
  });
});
