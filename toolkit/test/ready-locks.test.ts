import { describe, test } from "vitest";
import { kataSuite } from "#threadkata/suite.ts";
import type * as scenarios from "./ready-locks.scenarios.ts";

const locks = kataSuite<typeof scenarios>("toolkit", new URL("./ready-locks.scenarios.ts", import.meta.url));

describe("toolkit: TicketLock", () => {
  test("one thread inside at a time, no update lost", () => locks.stress("ticketMutualExclusion"));
  test("only the holder releases; isOwned() and locked() tell the truth", () => locks.stress("ticketOwnership"));
  test("tryAcquire() fails at once on a held lock; of two at the same instant on a free lock, one wins", () =>
    locks.stress("ticketTryAcquire"));
  test("a thread asleep waiting for the lock gets it once the holder releases", () =>
    locks.stress("ticketSleeperWoken"));
});

describe("toolkit: BargingLock", () => {
  test("one thread inside at a time, no update lost", () => locks.stress("bargingMutualExclusion"));
  test("only the holder releases; isOwned() and locked() tell the truth", () => locks.stress("bargingOwnership"));
  test("tryAcquire() fails at once on a held lock; of two at the same instant on a free lock, one wins", () =>
    locks.stress("bargingTryAcquire"));
  test("a thread asleep waiting for the lock gets it once the holder releases", () =>
    locks.stress("bargingSleeperWoken"));
});
