// The timeline of a failing schedule as a picture (SVG): a lane per thread, a row per step, the
// preemptions marked, and an arrow from each Atomics.notify to the wake-up it caused. Attached to the
// failed test, so that @vitest/ui shows it beside the message; the terminal keeps the text.

import { Op, Wake } from "./layout.ts";
import { describeStep, type Step } from "./trace.ts";

// A step's text is cut to stepChars characters; the lane is made wide enough for them at 12px monospace
// (about 0.6em, 7.25px, a character: DejaVu Sans Mono, Menlo, SF Mono; Consolas is narrower), plus its
// inset (8), the gap between lanes (6) and a margin, so that no text runs into the next lane or off the picture.
const charWidth = 7.25;
const stepChars = 58;
const laneWidth = Math.ceil(stepChars * charWidth) + 8 + 6 + 4;
const rowHeight = 18;
const left = 48;
const top = 44;

function escape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** The text, cut to at most chars characters (the last one an ellipsis when cut). */
function cut(text: string, chars: number): string {
  return text.length > chars ? `${text.slice(0, chars - 1)}…` : text;
}

/** Which step each notify woke, by replaying the parking order of the trace: [notify, wake] pairs. */
export function wakeArrows(steps: Step[]): Array<[number, number]> {
  const parked = new Map<number, number[]>(); // word → actors in parking order
  const pending = new Map<number, number>(); // actor → the notify step that woke it
  const arrows: Array<[number, number]> = [];
  steps.forEach((step, index) => {
    if (step.op === Op.wait && step.extra === 1) {
      parked.set(step.word, [...(parked.get(step.word) ?? []), step.actor]);
    } else if (step.op === Op.notify) {
      const line = parked.get(step.word) ?? [];
      for (const actor of line.splice(0, step.value)) pending.set(actor, index);
    } else if (step.op === Op.wake) {
      const from = pending.get(step.actor);
      pending.delete(step.actor);
      if (step.value === Wake.notified && from !== undefined) arrows.push([from, index]);
      else for (const line of parked.values()) if (line.includes(step.actor)) line.splice(line.indexOf(step.actor), 1);
    }
  });
  return arrows;
}

export function timelinePicture(steps: Step[], parties: number, names: Map<number, string>, title: string): string {
  const name = (word: number) => names.get(word) ?? `word ${word}`;
  const width = left + parties * laneWidth + 16;
  const height = top + steps.length * rowHeight + 16;
  const x = (actor: number) => left + actor * laneWidth + 8;
  const y = (index: number) => top + index * rowHeight + 13;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="ui-monospace, Menlo, Consolas, monospace" font-size="12">`,
    `<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#2f6fd6"/></marker></defs>`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="${left}" y="16" font-weight="bold"><title>${escape(title)}</title>${escape(cut(title, Math.floor((width - left - 8) / charWidth)))}</text>`,
  ];
  for (let actor = 0; actor < parties; actor++) {
    const laneX = left + actor * laneWidth;
    parts.push(
      `<rect x="${laneX}" y="${top - 18}" width="${laneWidth - 6}" height="${height - top + 10}" fill="${actor % 2 ? "#f7f7fb" : "#fbfbf7"}" stroke="#dddddd"/>`,
    );
    parts.push(`<text x="${laneX + 8}" y="${top - 4}" font-weight="bold">actor ${actor}</text>`);
  }
  let lastLabel = new Map<number, string | undefined>();
  steps.forEach((step, index) => {
    parts.push(`<text x="8" y="${y(index)}" fill="#999999">${index + 1}</text>`);
    const label = step.label && lastLabel.get(step.actor) !== step.label ? `[${step.label}] ` : "";
    lastLabel.set(step.actor, step.label);
    const text = `${label}${describeStep(step, name)}${step.line ? `  ${step.line}` : ""}`;
    const shown = cut(text, stepChars);
    const colour =
      step.preempts !== undefined
        ? "#c0392b"
        : step.op === Op.wait || step.op === Op.wake || step.op === Op.notify
          ? "#2f6fd6"
          : "#222222";
    parts.push(
      `<text x="${x(step.actor)}" y="${y(index)}" fill="${colour}"><title>${escape(text)}</title>${escape(shown)}</text>`,
    );
    if (step.preempts !== undefined) {
      parts.push(
        `<path d="M${x(step.actor) - 7},${y(index) - 9} l6,4 l-6,4 z" fill="#c0392b"><title>preemption: actor ${step.preempts} could have gone on</title></path>`,
      );
    }
  });
  lastLabel = new Map();
  for (const [from, to] of wakeArrows(steps)) {
    const a = steps[from]!;
    const b = steps[to]!;
    const x1 = x(a.actor) + 200;
    const x2 = x(b.actor) - 4;
    parts.push(
      `<path d="M${x1},${y(from) - 4} C${x1 + 60},${y(from) - 4} ${x2 - 60},${y(to) - 4} ${x2},${y(to) - 4}" fill="none" stroke="#2f6fd6" stroke-width="1.2" marker-end="url(#arrow)"/>`,
    );
  }
  parts.push("</svg>");
  return parts.join("\n");
}
