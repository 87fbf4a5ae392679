import { describe, test } from "vitest";
import { kataSuite } from "#threadkata/suite.ts";
import type * as scenarios from "./bank.scenarios.ts";

const bank = kataSuite<typeof scenarios>("10-deadlock", new URL("./bank.scenarios.ts", import.meta.url));

describe("10-deadlock: Bank", () => {
  test("opposite transfers at the same time never deadlock, and every one happens", () =>
    bank.stress("oppositeTransfers"));
  test("three threads in a ring, transfer(0, 1), (1, 2), (2, 0): no deadlock, every transfer made", () =>
    bank.stress("ringOfThree"));
  test("one thread, a bank of its own memory: transfers in both directions, balances and total() add up", () =>
    bank.stress("oneThread"));
  test("four threads transferring in every direction: every transfer made, money conserved", () =>
    bank.stress("moneyConserved"));
  test("two transfers into one account: the second waits while the first moves the money", () =>
    bank.stress("sharedAccountWaits"));
  test("transfers on disjoint accounts run at the same time: no lock for the whole bank", () =>
    bank.stress("disjointTransfersOverlap"));
});
