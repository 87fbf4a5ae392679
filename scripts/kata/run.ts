// next, run and watch: start vitest on one kata's folder, then read what the reporter recorded and
// say what to do next.

import type { Kata } from "../../katas/catalogue.ts";
import { kataStates, nextKata, readProgress } from "../../harness/course/progress.ts";
import { headline } from "../../harness/course/summary.ts";
import type { KataEnvironment } from "./environment.ts";
import { shortName } from "./find-kata.ts";
import { hintsSeen } from "./hint.ts";

export async function runKata(env: KataEnvironment, kata: Kata, again: string): Promise<number> {
  const { course, paint } = env;
  env.write(`${paint.bold("▶")} ${kata.slug} · ${kata.title}\n`);
  const started = Date.now();
  // The reporter's full table would repeat what we say below; it still records the result.
  const code = await env.runVitest(["run", `katas/${kata.slug}/`], { THREADKATA_SUMMARY: "off" });
  const progress = readProgress(course);
  const record = progress[kata.slug];
  if (!record || Date.parse(record.at) < started) {
    env.write(
      `\n${paint.red("The tests did not run to the end")} (see above), so there is no result for ${kata.slug}.\n`,
    );
    return code === 0 ? 1 : code;
  }
  const states = kataStates(course, progress);
  const state = states.get(kata.slug)!;
  const files = kata.files.map((file) => `katas/${kata.slug}/${file}`).join(", ");
  if (state.kind === "solved") {
    const next = nextKata(course, states);
    const lines = [
      "",
      `${paint.green("✓")} ${paint.bold(`${kata.slug} solved!`)}  ${headline(course, states, paint)}`,
      `  compare with the reference   npm run kata -- compare ${shortName(kata)}`,
      next
        ? `  next: ${next.slug} · ${next.title}   read katas/${next.slug}/README.md, then npm run kata`
        : "  That was the last one. To push your answers harder: THREADKATA_STRESS=heavy npm test",
    ];
    env.write(`${lines.join("\n")}\n`);
    return 0;
  }
  const unsolved = kata.requires.filter((slug) => progress[slug]?.result !== "solved");
  const lines = [
    "",
    `${paint.red("✗")} ${paint.bold(`${kata.slug} is not solved yet.`)}  ${headline(course, states, paint)}`,
    ...(record.firstFailure ? [`  ${paint.red(record.firstFailure)}`] : []),
    `  read      katas/${kata.slug}/README.md`,
    `  edit      ${files}`,
    `  re-run    ${again}     or on every save: npm run kata -- watch ${shortName(kata)}`,
    `  stuck?    npm run kata -- hint ${shortName(kata)}   ${paint.dim(`(${hintsSeen(env, kata)} of ${kata.hints.length} hints seen)`)}`,
    ...(unsolved.length > 0
      ? [paint.yellow(`  ${kata.slug} builds on ${unsolved.join(", ")}, which you have not solved yet.`)]
      : []),
  ];
  env.write(`${lines.join("\n")}\n`);
  return 0;
}

export async function runNext(env: KataEnvironment): Promise<number> {
  const states = kataStates(env.course, readProgress(env.course));
  const kata = nextKata(env.course, states);
  if (!kata) {
    env.write(
      `${env.paint.green("✓")} ${headline(env.course, states, env.paint)}. Well done!\n  To push your answers harder: THREADKATA_STRESS=heavy npm test\n`,
    );
    return 0;
  }
  return runKata(env, kata, "npm run kata");
}

export async function watchKata(env: KataEnvironment, kata: Kata, poll: boolean): Promise<number> {
  const { paint } = env;
  env.write(
    [
      `${paint.bold("▶")} watching ${kata.slug} · ${kata.title}: save ${kata.files.map((file) => `katas/${kata.slug}/${file}`).join(" or ")} and its tests run again. q stops.`,
      poll
        ? paint.dim("  (--poll: checking the files for changes every 0.1 s)")
        : paint.dim(
            `  Saving does not start a run? npm run kata -- watch ${shortName(kata)} --poll, or npm run kata -- run ${shortName(kata)} after each save.`,
          ),
      "",
    ].join("\n"),
  );
  // THREADKATA_WATCH keeps saves in other katas from starting their suites (harness/course/watch-trigger.ts).
  return env.runVitest(["--watch", `katas/${kata.slug}/`], {
    THREADKATA_WATCH: kata.slug,
    ...(poll ? { CHOKIDAR_USEPOLLING: "1" } : {}),
  });
}
