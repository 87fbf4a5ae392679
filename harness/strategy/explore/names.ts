// Names for the shared words a trace shows: found by walking the scenario's state, so that scenario
// files name nothing by hand. `balance[0]` is element 0 of the state's `balance`; `lock.memory[1]`
// is element 1 of the array `memory` of the state's `lock`; where views overlap (a queue's memory
// and its condition's), the smallest view names the word. Words no field covers are "word 12".

/** Word index → name, for the words of views reachable from `state` within a few fields. */
import { wordOf } from "./layout.ts";
import { unwrap } from "./world.ts";

export function nameWords(state: unknown, memory: SharedArrayBuffer): Array<[number, string]> {
  const names = new Map<number, string>();
  /** The length of the view each name came from: the smallest view covering a word names it best. */
  const sizes = new Map<number, number>();
  const seen = new Set<unknown>();
  const visit = (proxied: unknown, path: string, depth: number) => {
    const value = unwrap(proxied);
    if (typeof value !== "object" || value === null || seen.has(value) || names.size > 4096) return;
    seen.add(value);
    if (ArrayBuffer.isView(value)) {
      if (value.buffer !== memory || value instanceof DataView) return;
      const view = value as unknown as Int32Array;
      for (let index = 0; index < view.length && index < 1024; index++) {
        const word = wordOf(view, index);
        if (!names.has(word) || view.length < sizes.get(word)!) {
          names.set(word, `${path}[${index}]`);
          sizes.set(word, view.length);
        }
      }
      return;
    }
    if (depth >= 4 || value instanceof SharedArrayBuffer) return;
    const entries = Array.isArray(value)
      ? value.map((item, index) => [String(index), item] as const)
      : Object.entries(value);
    for (const [key, item] of entries)
      visit(item, Array.isArray(value) ? `${path}[${key}]` : path ? `${path}.${key}` : key, depth + 1);
  };
  visit(state, "", 0);
  return [...names];
}
