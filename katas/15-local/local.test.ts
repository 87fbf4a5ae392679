import { describe, test } from "vitest";
import { kataSuite } from "#threadkata/suite.ts";
import type * as scenarios from "./local.scenarios.ts";

const flows = kataSuite<typeof scenarios>("15-local", new URL("./local.scenarios.ts", import.meta.url));

describe("15-local: flow-local data and a logger", () => {
  test("many flows at once keep their own values and names across awaits, timers and promise chains", () =>
    flows.stress("flowsKeepTheirValues"));
  test("every log line carries the name of the flow that wrote it", () => flows.stress("logLinesCarryTheirFlow"));
  test("a flow started inside another starts empty and leaves its caller's flow as it was", () =>
    flows.stress("nestedFlows"));
  test("outside any flow: MainThread, with values of its own", () => flows.stress("outsideAnyFlow"));
  test("two local() objects never share, nor do two flows with the same name", () =>
    flows.stress("localsAndNamesAreSeparate"));
  test("in, delete and Object.keys() see only the current flow's properties", () => flows.stress("localProperties"));
});
