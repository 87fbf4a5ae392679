// Top-level code that never ends: the thread never finishes loading this file.

import { scenario } from "#threadkata/scenario.ts";

const started = Date.now();
while (Date.now() >= started) {
  // never ends (written so that no tool calls it unreachable code)
}

export const neverLoaded = scenario({ state: () => ({}), actors: [() => {}] });
