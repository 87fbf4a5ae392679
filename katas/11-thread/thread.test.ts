import { describe, test } from "vitest";
import { kataSuite } from "#threadkata/suite.ts";
import type * as scenarios from "./thread.scenarios.ts";

const thread = kataSuite<typeof scenarios>("11-thread", new URL("./thread.scenarios.ts", import.meta.url));

describe("11-thread: Thread", () => {
  test("start() runs each target in its own thread; join() waits for it; then isAlive() is false", () => thread.stress("startAndJoinMany"));
  test("join() does not resolve while the thread still runs", () => thread.stress("joinWaitsForTheEnd"));
  test("a second start() throws", () => thread.stress("startTwice"));
  test("join(timeout) returns on its timeout with the thread still alive", () => thread.stress("joinWithTimeout"));
  test("names and idents are unique and visible inside the thread (currentThread(), log())", () => thread.stress("namesAndIdents"));
  test("enumerate() lists exactly the live threads, main first", () => thread.stress("enumerateLiveThreads"));
  test("an exception thrown in a thread reaches Thread.excepthook with its stack", () => thread.stress("exceptionReachesHook"));
  test("a rejected promise of an async target reaches Thread.excepthook too", () => thread.stress("rejectionReachesHook"));
  test("the default excepthook prints \"Exception in thread NAME:\" and the stack", () => thread.stress("defaultHookPrints"));
});
