// Imports code under test that the harness test points at a file with a syntax error.
// @ts-ignore: resolved by the harness bundler from THREADKATA_SWAP, not by tsc
import { nothing } from "#kata/00-fixture/broken.ts";
import { scenario } from "#threadkata/scenario.ts";

export const loadsBrokenCode = scenario({ state: () => nothing, actors: [() => {}] });
