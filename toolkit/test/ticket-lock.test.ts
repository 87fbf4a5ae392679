import { describe, test } from "vitest";
import { kataSuite } from "#threadkata/suite.ts";
import type * as scenarios from "./ticket-lock.scenarios.ts";

const ticketLock = kataSuite<typeof scenarios>("toolkit", new URL("./ticket-lock.scenarios.ts", import.meta.url));

describe("toolkit: TicketLock", () => {
  test("one thread inside at a time, no update lost", () => ticketLock.stress("mutualExclusion"));
  test("only the holder releases; isOwned() and locked() tell the truth", () => ticketLock.stress("ownership"));
});
