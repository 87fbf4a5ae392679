// `npm run kata -- <verb> [kata]`: the learner's loop around the katas. Every path comes in through
// the environment, so the tests run it on a course of their own.

import { parseArgs } from "node:util";
import type { Kata } from "../../katas/catalogue.ts";
import { kataStates, nextKata, readProgress } from "../../harness/course/progress.ts";
import { renderSummary } from "../../harness/course/summary.ts";
import { bench } from "./bench.ts";
import { compare } from "./compare.ts";
import type { KataEnvironment } from "./environment.ts";
import { closest, findKata, shortName } from "./find-kata.ts";
import { isVerb, overview, verbHelp, verbs } from "./help.ts";
import { showHint } from "./hint.ts";
import { reset } from "./reset.ts";
import { runKata, runNext, watchKata } from "./run.ts";

/** Exit codes: 0 done, 1 refused or failed, 2 not understood. */
const USAGE = 2;
/** After a word or an option the command does not know: one line, not the whole overview. */
const usageLine = "usage: npm run kata -- <verb> [kata]   (npm run kata -- help lists the verbs)\n";

function list(env: KataEnvironment): number {
  const { course } = env;
  const states = kataStates(course, readProgress(course));
  const next = nextKata(course, states);
  const footer = next ? `Work on ${next.slug}: npm run kata` : "Every kata is solved.";
  env.write(`${renderSummary(course, states, env.paint)}\n\n${env.paint.dim(footer)}\n`);
  return 0;
}

export async function kataCommand(args: string[], env: KataEnvironment): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        yes: { type: "boolean", short: "y" },
        help: { type: "boolean", short: "h" },
        poll: { type: "boolean" },
      },
    });
  } catch (error) {
    // node's message goes on to explain "--" for positionals; the first sentence is what matters here.
    env.write(`${(error as Error).message.split(". ")[0]}.\n${usageLine}`);
    return USAGE;
  }
  const { values: options, positionals } = parsed;
  const [verb = "next", typed, ...extra] = positionals;

  if (!isVerb(verb)) {
    const guess = closest(verb, Object.keys(verbs))[0];
    const kata = findKata(env.course.catalogue, verb);
    const suggestion = guess
      ? ` Did you mean ${guess}?`
      : "kata" in kata
        ? ` To run ${kata.kata.slug}: npm run kata -- run ${verb}`
        : "";
    env.write(`There is no verb "${verb}".${suggestion}\n${usageLine}`);
    return USAGE;
  }
  if (options.help) {
    env.write(verbHelp(verb));
    return 0;
  }
  if (extra.length > 0) {
    env.write(`Too many words: ${extra.join(" ")}\n\n${verbHelp(verb)}`);
    return USAGE;
  }

  /** The kata the learner named, or, where the verb allows it, the current one. */
  const kataArgument = (optional: boolean): Kata | string => {
    if (typed === undefined) {
      if (!optional)
        return `Which kata? ${verbs[verb].usage}, for example: npm run kata -- ${verb} ${shortName(env.course.catalogue[0]!)}`;
      return nextKata(env.course, kataStates(env.course, readProgress(env.course))) ?? env.course.catalogue.at(-1)!;
    }
    const found = findKata(env.course.catalogue, typed);
    return "kata" in found ? found.kata : found.problem;
  };
  const withKata = async (optional: boolean, action: (kata: Kata) => number | Promise<number>): Promise<number> => {
    const kata = kataArgument(optional);
    if (typeof kata === "string") {
      env.write(`${kata}\n`);
      return USAGE;
    }
    return action(kata);
  };

  switch (verb) {
    case "help":
      if (typed === undefined) {
        env.write(overview());
        return 0;
      }
      if (!isVerb(typed)) {
        env.write(`There is no verb "${typed}".\n\n${overview()}`);
        return USAGE;
      }
      env.write(verbHelp(typed));
      return 0;
    case "list":
      return list(env);
    case "next":
      return runNext(env);
    case "run":
      return withKata(false, (kata) => runKata(env, kata, `npm run kata -- run ${shortName(kata)}`));
    case "watch":
      return withKata(true, (kata) => watchKata(env, kata, Boolean(options.poll)));
    case "hint":
      return withKata(true, (kata) => showHint(env, kata));
    case "compare":
      return withKata(false, (kata) => compare(env, kata, Boolean(options.yes)));
    case "reset":
      return withKata(false, (kata) => reset(env, kata, Boolean(options.yes)));
    case "bench":
      return withKata(true, (kata) => bench(env, kata));
  }
}
