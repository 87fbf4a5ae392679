// Grades one learner: vitest in a child process of its own (isolated.ts) on the katas asked for,
// within the learner's time limit. A test process that dies takes only the kata it was running with
// it: the katas after that one run in a fresh process.

import { closeSync, existsSync, openSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { repositoryRoot } from "../../harness/engine/under-test.ts";
import { runIsolated, type IsolatedRun } from "./isolated.ts";
import type { Cell, Ending, GradeEvent, LearnerRequest, LearnerResult } from "./model.ts";

export interface LearnerOptions {
  name: string;
  tree: string;
  katas: string[];
  /** The folder for this learner's files (log, vitest's JSON and JUnit, the events). */
  outDir: string;
  /** The output folder the result's file names are relative to. */
  reportDir: string;
  timeLimitSeconds: number;
  env: Record<string, string>;
  /** Called with the kata now running and how many are done, while the learner runs. */
  onProgress?: (running: string | undefined, done: number) => void;
}

const tsx = path.join(repositoryRoot, "node_modules", "tsx", "dist", "cli.mjs");
const program = path.join(repositoryRoot, "scripts", "grade", "learner-run.ts");

export function readEvents(file: string): GradeEvent[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as GradeEvent];
      } catch {
        return []; // a line cut short by a kill
      }
    });
}

/** How the test process ended, for a kata it took down with it. */
export function describeDeath(run: Pick<IsolatedRun, "code" | "signal">): string {
  return run.signal ? `killed by ${run.signal}` : `exit code ${run.code}`;
}

/**
 * What one attempt's events say: the katas it finished, the one it was inside when it stopped (if
 * it stopped early), and whether the run reached its end.
 */
export function readAttempt(events: GradeEvent[]): {
  cells: Map<string, Cell>;
  inside?: string;
  ended: boolean;
  errors: string[];
} {
  const cells = new Map<string, Cell>();
  let inside: string | undefined;
  let ended = false;
  let errors: string[] = [];
  for (const event of events) {
    if (event.type === "start") inside = event.slug;
    else if (event.type === "kata") {
      cells.set(event.slug, {
        result: event.result,
        ...(event.firstFailure ? { firstFailure: event.firstFailure } : {}),
      });
      if (inside === event.slug) inside = undefined;
    } else {
      ended = true;
      inside ??= event.unfinished?.[0];
      errors = event.errors ?? [];
    }
  }
  return { cells, inside, ended, errors };
}

export async function gradeLearner(options: LearnerOptions): Promise<LearnerResult> {
  const started = performance.now();
  const deadline = started + options.timeLimitSeconds * 1000;
  const katas: Record<string, Cell> = {};
  const pending = [...options.katas];
  const logFile = path.relative(options.reportDir, path.join(options.outDir, `${options.name}.log`));
  const runs: LearnerResult["runs"] = [];
  let ending: Ending = "finished";
  const log = openSync(path.join(options.outDir, `${options.name}.log`), "w");
  try {
    for (let number = 1; pending.length > 0; number++) {
      const suffix = number === 1 ? "" : `.${number}`;
      const request: LearnerRequest = {
        learner: options.name,
        katas: [...pending],
        events: path.join(options.outDir, `${options.name}${suffix}.events.jsonl`),
        json: path.join(options.outDir, `${options.name}${suffix}.vitest.json`),
        junit: path.join(options.outDir, `${options.name}${suffix}.junit.xml`),
      };
      const run = await runIsolated(process.execPath, [tsx, program, JSON.stringify(request)], {
        cwd: repositoryRoot,
        env: {
          ...options.env,
          THREADKATA_SOURCE: options.tree,
          THREADKATA_SUMMARY: "off",
          NO_COLOR: "1",
          FORCE_COLOR: "0",
        },
        output: log,
        timeLimitMs: Math.max(0, deadline - performance.now()),
        onPoll: () => {
          const { cells, inside } = readAttempt(readEvents(request.events));
          options.onProgress?.(inside, Object.keys(katas).length + cells.size);
        },
      });
      const attempt = readAttempt(readEvents(request.events));
      const { cells, ended, errors } = attempt;
      // A run that ended with errors and katas it never got to died in the first of them (the
      // katas run in catalogue order), even if vitest never said that one had begun.
      const inside =
        attempt.inside ?? (ended && errors.length > 0 ? pending.find((slug) => !cells.has(slug)) : undefined);
      for (const [slug, cell] of cells) katas[slug] = cell;
      pending.splice(0, pending.length, ...pending.filter((slug) => !cells.has(slug)));
      if (existsSync(request.junit)) {
        runs.push({
          json: path.relative(options.reportDir, request.json),
          junit: path.relative(options.reportDir, request.junit),
          katas: [...cells.keys()],
        });
      }
      if (run.timedOut) {
        ending = "timed out";
        for (const slug of pending) {
          katas[slug] = {
            result: "failing",
            firstFailure:
              slug === inside
                ? `TimeLimit: the learner's ${options.timeLimitSeconds} s ran out while this kata ran`
                : `TimeLimit: not run: the learner's ${options.timeLimitSeconds} s ran out before this kata`,
          };
        }
        break;
      }
      if (inside !== undefined) {
        // A kata began and never ended: its test process died in it (vitest's worker, or vitest).
        ending = "crashed";
        const how = ended ? `vitest: ${errors[0] ?? "its worker process exited"}` : describeDeath(run);
        katas[inside] = {
          result: "failing",
          firstFailure: `TestProcessDied: the test process died while this kata ran (${how}); see ${logFile}`,
        };
        pending.splice(pending.indexOf(inside), 1);
        continue;
      }
      if (ended) {
        // vitest ran to its end without a suite for these: nothing to grade them by.
        for (const slug of pending)
          katas[slug] = { result: "failing", firstFailure: "NotRun: vitest found no suite for this kata" };
        break;
      }
      if (cells.size === 0) {
        // It died before any kata began: nothing to blame, and nothing to gain by trying again.
        ending = "crashed";
        for (const slug of pending)
          katas[slug] = {
            result: "failing",
            firstFailure: `TestProcessDied: the test process ended (${describeDeath(run)}) before this kata ran; see ${logFile}`,
          };
        break;
      }
      // It died between two katas: the next process takes up from there.
      ending = "crashed";
    }
  } finally {
    closeSync(log);
  }
  return {
    name: options.name,
    tree: options.tree,
    seconds: (performance.now() - started) / 1000,
    ending,
    katas: Object.fromEntries(
      options.katas.map((slug) => [slug, katas[slug] ?? { result: "failing", firstFailure: "NotRun" }]),
    ),
    log: logFile,
    runs,
  };
}

/** The learners: every sub-folder but hidden ones and the output folder; a copy of the repository is graded by its katas/. */
export function learnersIn(folder: string, out: string): { name: string; tree: string }[] {
  return readdirSync(folder, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith(".") && path.join(folder, entry.name) !== out)
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const root = path.join(folder, name);
      return { name, tree: existsSync(path.join(root, "katas")) ? path.join(root, "katas") : root };
    });
}
