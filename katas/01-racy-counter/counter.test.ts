import { describe, test } from "vitest";
import { kataSuite } from "#threadkata/suite.ts";
import type * as scenarios from "./counter.scenarios.ts";

const counter = kataSuite<typeof scenarios>("01-racy-counter", new URL("./counter.scenarios.ts", import.meta.url));

describe("01-racy-counter", () => {
  test("two threads counting together lose no update", () => counter.stress("countTogether"));
  test("the last coin is never taken twice: the account is never overdrawn", () => counter.stress("lastCoin"));
  test("a withdrawal that fits is never refused", () => counter.stress("everyWithdrawalFits"));
  test("taking exactly the balance succeeds; more than the balance is refused and takes nothing", () =>
    counter.stress("exactFit"));
});
