// Where the learner stands, as Markdown: the table `npm test` ends with, for the job summary of the
// learner's CI run (.github/workflows/katas.yml appends it to $GITHUB_STEP_SUMMARY after `npm test`).
// It reads the results `npm test` just recorded in .threadkata/progress.json.
//
//   npm run --silent ci-summary >> "$GITHUB_STEP_SUMMARY"

import { pathToFileURL } from "node:url";
import {
  describeState,
  kataStates,
  learnerCourse,
  nextKata,
  readProgress,
  type Course,
  type KataState,
} from "../harness/course/progress.ts";
import { solvedCount } from "../harness/course/summary.ts";

const icons: Record<KataState["kind"], string> = {
  solved: "✅",
  failing: "❌",
  changed: "〰️",
  waiting: "⏳",
  "not run": "·",
};

/** Where a kata's README is on the forge, when the run says (GitHub's variables); the repository path otherwise. */
function readme(slug: string, env: NodeJS.ProcessEnv): string {
  const file = `katas/${slug}/README.md`;
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repository, GITHUB_SHA: sha } = env;
  return server && repository && sha ? `${server}/${repository}/blob/${sha}/${file}` : file;
}

const cell = (text: string) => text.replaceAll("|", "\\|").replaceAll("\n", " ");

export function markdownSummary(course: Course, states: Map<string, KataState>, env: NodeJS.ProcessEnv = {}): string {
  const total = course.catalogue.length;
  const solved = solvedCount(states);
  const next = nextKata(course, states);
  const lines = [
    `### threadkata: ${solved === total ? `all ${total} katas solved 🎉` : `${solved} of ${total} katas solved`}`,
    "",
  ];
  lines.push("| | kata | title | state |", "|---|---|---|---|");
  for (const kata of course.catalogue) {
    const state = states.get(kata.slug) ?? { kind: "not run" };
    const pointer = kata === next ? " **← next**" : "";
    lines.push(
      `| ${icons[state.kind]} | [${kata.slug}](${readme(kata.slug, env)}) | ${cell(kata.title)} | ${cell(describeState(state))}${pointer} |`,
    );
  }
  if (next) {
    const state = states.get(next.slug);
    lines.push(
      "",
      `**Next: ${next.slug}.** Read [its README](${readme(next.slug, env)}), edit its file where the \`// TODO\`s are, and push again.`,
    );
    if (state?.kind === "failing" && state.firstFailure)
      lines.push("", "```text", state.firstFailure.replaceAll("```", "'''"), "```");
    if (![...states.values()].some((s) => s.kind === "solved" || s.kind === "failing" || s.kind === "changed"))
      lines.push("", "No kata has results yet: the tests did not run (see the `npm test` step).");
  }
  return `${lines.join("\n")}\n`;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  process.stdout.write(
    markdownSummary(learnerCourse, kataStates(learnerCourse, readProgress(learnerCourse)), process.env),
  );
}
