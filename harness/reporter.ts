// Ends the learner's `npm test` with where they stand: which katas are solved and which is next.

import path from "node:path";
import type { Reporter, TestModule } from "vitest/node";
import { catalogue } from "../katas/catalogue.ts";

const useColour = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
const paint = (code: number, text: string) => (useColour ? `\x1b[${code}m${text}\x1b[0m` : text);
const green = (text: string) => paint(32, text);
const red = (text: string) => paint(31, text);
const dim = (text: string) => paint(2, text);
const bold = (text: string) => paint(1, text);

type State = "solved" | "failing" | "not run";

export default class KataReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const states = new Map<string, State>();
    for (const module of modules) {
      const slug = path.relative(process.cwd(), module.moduleId).split(path.sep)[1];
      if (!slug) continue;
      const tests = [...module.children.allTests()];
      const ran = tests.filter((t) => t.result().state !== "skipped" && t.result().state !== "pending");
      if (ran.length === 0) continue;
      const solved = module.state() === "passed" && ran.length === tests.length && ran.every((t) => t.result().state === "passed");
      const previous = states.get(slug);
      states.set(slug, previous === "failing" || !solved ? "failing" : "solved");
    }
    if (states.size === 0) return;
    const solved = catalogue.filter((kata) => states.get(kata.slug) === "solved").length;
    const next = catalogue.find((kata) => states.get(kata.slug) !== "solved");
    const lines = catalogue.map((kata) => {
      const state = states.get(kata.slug) ?? "not run";
      const mark = state === "solved" ? green("✓") : state === "failing" ? red("✗") : dim("·");
      const pointer = kata === next ? bold("  ← next: ") + `katas/${kata.slug}/README.md` : "";
      return `   ${mark} ${kata.slug.padEnd(18)} ${kata.title.padEnd(22)} ${dim(state)}${pointer}`;
    });
    const headline = next ? `${solved} of ${catalogue.length} katas solved` : green(`all ${catalogue.length} katas solved`);
    process.stdout.write(`\n ${bold("threadkata")}  ${headline}\n${lines.join("\n")}\n\n`);
  }
}
