// A schedule as the learner reads it: a timeline with a column per thread and a line per step (the
// operation, the named shared word, the value read or written, the source line), the preemptions
// marked; and as a string that replays it exactly (THREADKATA_REPLAY).

import { readLabel } from "../../engine/control.ts";
import { Op, Record, Wake, lineBytes, methodNames, stepWords, wordsPerStep } from "./layout.ts";

export interface Step {
  actor: number;
  op: number;
  word: number;
  value: number;
  extra: number;
  /** The actors that could have gone at this decision (0 for a step no decision picked). */
  ready: number;
  label: string | undefined;
  /** Virtual microseconds since the schedule began. */
  clock: number;
  decided: boolean;
  line: string;
  /** A switch away from an actor that could have gone on. */
  preempts?: number;
}

/** The steps of the schedule the block holds now, with their labels and source lines. */
export function readTrace(block: Int32Array, lines: Uint8Array, labels: Uint8Array, count: number): Step[] {
  const steps: Step[] = [];
  let previous = -1;
  for (let step = 0; step < count; step++) {
    const base = stepWords(step);
    if (base + wordsPerStep > block.length) break;
    const at = (field: number) => block[base + field]!;
    const bytes = lines.subarray(step * lineBytes, (step + 1) * lineBytes);
    const end = bytes.indexOf(0);
    const entry: Step = {
      actor: at(Record.actor),
      op: at(Record.op),
      word: at(Record.word),
      value: at(Record.value),
      extra: at(Record.extra),
      ready: at(Record.ready),
      label: readLabel(labels, at(Record.actor), at(Record.label)),
      clock: at(Record.clock),
      decided: at(Record.decided) === 1,
      line: new TextDecoder().decode(bytes.subarray(0, end < 0 ? bytes.length : end)),
    };
    if (entry.decided) {
      if (previous >= 0 && previous !== entry.actor && (entry.ready & (1 << previous)) !== 0) entry.preempts = previous;
      previous = entry.actor;
    }
    steps.push(entry);
  }
  return steps;
}

/** The actor each decision picked, in order: what a replay forces. */
export function decisionsOf(steps: Step[]): number[] {
  return steps.filter((step) => step.decided).map((step) => step.actor);
}

export function preemptionsOf(steps: Step[]): number {
  return steps.filter((step) => step.preempts !== undefined).length;
}

/**
 * `lastCoin/5f3a91c2/7/0*12.1*3.0*4`: the scenario, the schedule's seed, its repetition (what
 * ctx.repetition said) and its decisions, run-length coded.
 */
export function scheduleString(scenario: string, seed: number, repetition: number, decisions: number[]): string {
  const runs: string[] = [];
  for (let i = 0; i < decisions.length;) {
    let j = i;
    while (j < decisions.length && decisions[j] === decisions[i]) j++;
    runs.push(j - i === 1 ? `${decisions[i]}` : `${decisions[i]}*${j - i}`);
    i = j;
  }
  return `${scenario}/${(seed >>> 0).toString(16).padStart(8, "0")}/${repetition}/${runs.join(".")}`;
}

export interface ParsedSchedule {
  scenario: string;
  seed: number;
  repetition: number;
  decisions: number[];
}

/** The inverse of scheduleString; undefined for a string that is not one. */
export function parseSchedule(text: string): ParsedSchedule | undefined {
  const match = /^([\w$]+)\/([0-9a-f]{8})\/(\d+)\/((?:\d+(?:\*\d+)?)(?:\.\d+(?:\*\d+)?)*)?$/i.exec(text.trim());
  if (!match) return undefined;
  const decisions: number[] = [];
  for (const run of (match[4] ?? "").split(".").filter(Boolean)) {
    const [actor, times] = run.split("*");
    for (let i = 0; i < Number(times ?? 1); i++) decisions.push(Number(actor));
  }
  return { scenario: match[1]!, seed: parseInt(match[2]!, 16) >>> 0, repetition: Number(match[3]), decisions };
}

/** One step as words: `Atomics.load(balance[0]) → 1`. */
export function describeStep(step: Step, name: (word: number) => string): string {
  const w = step.word >= 0 ? name(step.word) : "";
  switch (step.op) {
    case Op.start:
      return "starts";
    case Op.finish:
      return "finishes";
    case Op.recheck:
      return "looks again";
    case Op.meet:
      return step.value < 0 ? `sees actor ${-1 - step.value} asleep` : `meets the others (${step.value})`;
    case Op.read:
      return `reads ${w} → ${step.value}`;
    case Op.write:
      return `writes ${w} ← ${step.value}`;
    case Op.load:
      return `Atomics.load(${w}) → ${step.value}`;
    case Op.store:
      return `Atomics.store(${w}, ${step.value})`;
    case Op.compareExchange:
      return step.value === step.extra
        ? `Atomics.compareExchange(${w}): saw ${step.value}, kept`
        : `Atomics.compareExchange(${w}): ${step.value} → ${step.extra}`;
    case Op.wait:
      return step.extra === 1
        ? `Atomics.wait(${w}, ${step.value}): sleeps`
        : step.extra === 2
          ? `Atomics.wait(${w}): "not-equal" (it holds ${step.value})`
          : `Atomics.wait(${w}, ${step.value}, 0): "timed-out" at once`;
    case Op.wake:
      return step.value === Wake.notified
        ? `wakes up: "ok"`
        : `wakes up: "timed-out" (at ${(step.clock / 1000).toFixed(3)} ms)`;
    case Op.notify:
      return `Atomics.notify(${w}) woke ${step.value}`;
    case Op.call:
      return `${w}: .${methodNames[step.value] ?? "method"}()`;
    default: {
      const name = ["add", "sub", "and", "or", "xor", "exchange"][step.op === Op.add ? 0 : step.op - Op.sub + 1];
      return `Atomics.${name}(${w}): ${step.value} → ${step.extra}`;
    }
  }
}

/**
 * The timeline: a column per thread for up to three, else one column with the actor named; each
 * line a step, the label when it changes, the source line, and "⇢ preempts" where the schedule
 * switched away from a thread that could have gone on. Long traces keep their start and end.
 */
export function renderTimeline(steps: Step[], parties: number, names: Map<number, string>, maxLines = 80): string {
  const name = (word: number) => names.get(word) ?? `word ${word}`;
  const lastLabel = new Map<number, string | undefined>();
  // A label (ctx.at) opens a line of its own in the actor's column when it changes.
  const all: Array<{ actor: number; text: string; step?: number; to?: number; times?: number; period?: number }> = [];
  steps.forEach((step, index) => {
    if (step.label && lastLabel.get(step.actor) !== step.label)
      all.push({ actor: step.actor, text: `── ${step.label}` });
    lastLabel.set(step.actor, step.label);
    let text = describeStep(step, name);
    if (step.line) text += `  ${step.line}`;
    if (step.preempts !== undefined) text = `⇢ ${text}`;
    all.push({ actor: step.actor, text, step: index + 1 });
  });
  // A loop that repeats the same step, or the same two, shows them once with a count: a spin or
  // a poll is one line, not a hundred.
  const same = (a: (typeof all)[number] | undefined, b: (typeof all)[number] | undefined) =>
    !!a && !!b && a.actor === b.actor && a.text === b.text;
  const rows: typeof all = [];
  for (let i = 0; i < all.length;) {
    let collapsed = false;
    for (const period of [1, 2]) {
      let repeats = 0;
      while (
        i + (repeats + 2) * period <= all.length &&
        Array.from({ length: period }, (_, k) => same(all[i + k], all[i + (repeats + 1) * period + k])).every(Boolean)
      )
        repeats++;
      if (repeats >= 2) {
        rows.push(...all.slice(i, i + period));
        const last = all[i + (repeats + 1) * period - 1]!;
        rows.push({
          actor: last.actor,
          text:
            period === 1
              ? `↻ the line above, ${repeats} more times`
              : `↻ the ${period} lines above, ${repeats} more times`,
          to: last.step,
        });
        i += (repeats + 1) * period;
        collapsed = true;
        break;
      }
    }
    if (!collapsed) rows.push(all[i++]!);
  }
  const columns = parties <= 3;
  const width = columns ? Math.max(30, Math.min(76, Math.floor(170 / parties))) : 0;
  const fit = (text: string) => (text.length > width ? `${text.slice(0, width - 1)}…` : text.padEnd(width));
  const header = columns
    ? `  ${"step".padStart(5)}  ${Array.from({ length: parties }, (_, actor) => fit(`actor ${actor}`)).join("  ")}`.trimEnd()
    : `  ${"step".padStart(5)}  actor`;
  const line = (index: number) => {
    const { actor, text, step, to } = rows[index]!;
    const number = step !== undefined ? String(step) : to !== undefined ? `…${to}` : "";
    if (!columns) return `  ${number.padStart(5)}  ${actor}: ${text}`;
    const parts = Array.from({ length: parties }, (_, column) => (column === actor ? fit(text) : " ".repeat(width)));
    return `  ${number.padStart(5)}  ${parts.join("  ")}`.trimEnd();
  };
  const lines: string[] = [];
  // Cut only what is worth a line of its own to say so.
  if (rows.length <= maxLines + 2) for (let i = 0; i < rows.length; i++) lines.push(line(i));
  else {
    const head = 12;
    const tail = maxLines - head;
    for (let i = 0; i < head; i++) lines.push(line(i));
    lines.push(`        … ${rows.length - head - tail} lines …`);
    for (let i = rows.length - tail; i < rows.length; i++) lines.push(line(i));
  }
  return [header, ...lines].join("\n");
}
