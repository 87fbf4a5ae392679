// A unified line diff, for where git is not installed: the longest common subsequence of lines,
// then hunks with three lines of context, as `diff -u` prints them.

import type { Palette } from "../../harness/report/colour.ts";

type Step = { op: " " | "-" | "+"; line: string; a: number; b: number };

function steps(a: string[], b: string[]): Step[] {
  // common[i][j]: the length of the longest common subsequence of a[i..] and b[j..].
  const common = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      common[i]![j] = a[i] === b[j] ? common[i + 1]![j + 1]! + 1 : Math.max(common[i + 1]![j]!, common[i]![j + 1]!);
    }
  }
  const result: Step[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) result.push({ op: " ", line: a[i]!, a: i++, b: j++ });
    // Removals before additions, as diff -u prints a changed line.
    else if (i < a.length && (j === b.length || common[i + 1]![j]! >= common[i]![j + 1]!))
      result.push({ op: "-", line: a[i]!, a: i++, b: j });
    else result.push({ op: "+", line: b[j]!, a: i, b: j++ });
  }
  return result;
}

function lines(text: string): string[] {
  const all = text.split("\n");
  if (all.at(-1) === "") all.pop();
  return all;
}

/** The diff from `before` to `after`; empty when they are the same. */
export function unifiedDiff(
  before: string,
  after: string,
  beforeName: string,
  afterName: string,
  paint: Palette,
  context = 3,
): string {
  const all = steps(lines(before), lines(after));
  const changed = all.flatMap((step, index) => (step.op === " " ? [] : [index]));
  if (changed.length === 0) return "";
  // Hunks: runs of changes closer than twice the context share one hunk.
  const hunks: [number, number][] = [];
  for (const index of changed) {
    const last = hunks.at(-1);
    if (last && index - last[1] <= 2 * context) last[1] = index;
    else hunks.push([index, index]);
  }
  const out = [paint.bold(`--- ${beforeName}`), paint.bold(`+++ ${afterName}`)];
  for (const [first, last] of hunks) {
    const slice = all.slice(Math.max(0, first - context), Math.min(all.length, last + context + 1));
    const start = slice[0]!;
    const aCount = slice.filter((s) => s.op !== "+").length;
    const bCount = slice.filter((s) => s.op !== "-").length;
    out.push(paint.cyan(`@@ -${start.a + (aCount ? 1 : 0)},${aCount} +${start.b + (bCount ? 1 : 0)},${bCount} @@`));
    for (const step of slice) {
      const text = `${step.op}${step.line}`;
      out.push(step.op === "-" ? paint.red(text) : step.op === "+" ? paint.green(text) : text);
    }
  }
  return `${out.join("\n")}\n`;
}
