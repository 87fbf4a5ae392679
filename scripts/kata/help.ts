// The verbs, in one place: the dispatcher, `help` and each verb's --help read this table.

export interface Verb {
  usage: string;
  summary: string;
  /** Shown by `npm run kata -- help <verb>` and `<verb> --help`. */
  details: string[];
}

export const verbs = {
  next: {
    usage: "next",
    summary: "run the first unsolved kata's tests, then say what to do (the default)",
    details: [
      "Runs the tests of the first kata you have not solved, shows the result, and says what to do next:",
      "read its README and edit its file, ask for a hint, or, once it passes, move on to the next kata.",
      "Exits 0 when the tests ran, passing or not; 1 when they could not run.",
    ],
  },
  list: {
    usage: "list",
    summary: "every kata and where you stand",
    details: [
      "Every kata in order, with its state: solved, failing, not run yet, changed since last run",
      "(you edited it after its tests last ran), or waiting for a kata it builds on.",
      "States come from your last test runs (npm test, npm run kata), kept in .threadkata/progress.json.",
    ],
  },
  run: {
    usage: "run <kata>",
    summary: "run one kata's tests",
    details: ["Runs one kata's tests, shows the result and what to do next, like `next` does for the current kata."],
  },
  watch: {
    usage: "watch [kata] [--poll]",
    summary: "re-run a kata's tests every time you save (the current kata if none is named)",
    details: [
      "Re-runs the kata's tests each time you save one of its files. Press q to stop.",
      "If saving does not start a run (network drives, WSL with the files under /mnt, some containers",
      "and editors), add --poll: it checks the files for changes instead of waiting to be told",
      "(CHOKIDAR_USEPOLLING=1, and it costs some CPU). Or run `npm run kata -- run <kata>` after each save.",
    ],
  },
  hint: {
    usage: "hint [kata]",
    summary: "the next hint, one at a time (the current kata if none is named)",
    details: [
      "Shows one more hint each time: vague first, more specific after. Remembers how many you have",
      "seen (.threadkata/hints.json); once they are all out, shows them all again.",
    ],
  },
  compare: {
    usage: "compare <kata> [--yes]",
    summary: "your answer beside the reference, as a diff",
    details: [
      "Shows how your file differs from the reference in solutions/: - lines are yours, + lines the reference's.",
      "Free once the kata is solved. Before that it asks first; --yes skips the question (and is",
      "needed when no terminal can answer it).",
    ],
  },
  reset: {
    usage: "reset <kata> [--yes]",
    summary: "put the kata's file(s) back as they are in your last git commit",
    details: [
      "Restores the file(s) you edit in the kata (nothing else) to git's last commit (HEAD), after asking;",
      "--yes skips the question. In a fresh copy that is the original stub; if you have committed your",
      "own work since, it is that commit (`git log -- katas/<kata>/<file>` lists the older versions).",
      "Refuses when there is nothing to reset, or when the file is not tracked by git.",
    ],
  },
  bench: {
    usage: "bench <kata>",
    summary: "run the kata's benchmark, where it has one",
    details: ["Runs bench/<kata>.bench.ts. Most katas have no benchmark yet."],
  },
  help: {
    usage: "help [verb]",
    summary: "this list, or more about one verb",
    details: ["`npm run kata -- help <verb>` or `npm run kata -- <verb> --help` says more about one verb."],
  },
} satisfies Record<string, Verb>;

export type VerbName = keyof typeof verbs;

export function isVerb(word: string): word is VerbName {
  return Object.hasOwn(verbs, word);
}

export function overview(): string {
  const width = Math.max(...Object.values(verbs).map((verb) => verb.usage.length));
  return [
    "npm run kata -- <verb> [kata]",
    "",
    ...Object.values(verbs).map((verb) => `  ${verb.usage.padEnd(width)}  ${verb.summary}`),
    "",
    "A kata is its number (2 or 02), its name (02-lock) or the start of its name (lock).",
    "",
  ].join("\n");
}

export function verbHelp(name: VerbName): string {
  const verb: Verb = verbs[name];
  return [`npm run kata -- ${verb.usage}`, "", ...verb.details.map((line) => `  ${line}`), ""].join("\n");
}
