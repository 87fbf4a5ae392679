import { describe, test } from "vitest";
import { kataSuite } from "#threadkata/suite.ts";
import type * as scenarios from "./ticket-lock.scenarios.ts";

const ticketLock = kataSuite<typeof scenarios>("toolkit", new URL("./ticket-lock.scenarios.ts", import.meta.url));

describe("toolkit: TicketLock", () => {
  test("one thread inside at a time, no update lost", () => ticketLock.stress("mutualExclusion"));
  test("only the holder releases; isOwned() and locked() tell the truth", () => ticketLock.stress("ownership"));
  test("tryAcquire() fails at once on a held lock; of two at the same instant on a free lock, one wins", () =>
    ticketLock.stress("tryAcquire"));
});
