// One learner's run, in a process of its own (scripts/grade.ts starts it and kills its whole process
// group when it is done or out of time): vitest on the katas asked for, with the code under test from
// the learner's tree (THREADKATA_SOURCE, set by the parent). It writes vitest's own reports (the
// default one on stdout, which the parent keeps as the learner's log; JSON; JUnit) and, as each kata's
// suite ends, one line to the events file: what the parent reads for its progress line, and all it
// has if this process is killed before vitest writes its reports at the end.
//
//   tsx scripts/grade/learner-run.ts <request as JSON>

import { appendFileSync } from "node:fs";
import path from "node:path";
import { createVitest, type Reporter, type TestModule } from "vitest/node";
import { learnerCourse, resultsOfRun } from "../../harness/course/progress.ts";
import { summarise } from "../../harness/course/reporter.ts";
import type { GradeEvent, LearnerRequest } from "./model.ts";

const request = JSON.parse(process.argv[2] ?? "{}") as LearnerRequest;

const emit = (event: GradeEvent) => appendFileSync(request.events, `${JSON.stringify(event)}\n`);

/** "katas/02-lock/lock.test.ts" (absolute or not) → "02-lock". */
function slugOf(file: string): string {
  return path.relative(path.join(learnerCourse.root, "katas"), file).split(path.sep)[0]!;
}

/** "Error: [vitest-pool]: Worker forks emitted error. (Worker exited unexpectedly)" */
function errorLine(error: { name?: string; message?: string; cause?: unknown }): string {
  const cause = (error.cause as { message?: string } | undefined)?.message;
  return `${error.name ?? "Error"}: ${(error.message ?? "").split("\n")[0]}${cause ? ` (${cause.split("\n")[0]})` : ""}`;
}

class Events implements Reporter {
  private readonly ended = new Set<string>();

  onTestModuleStart(module: TestModule): void {
    emit({ type: "start", slug: slugOf(module.moduleId) });
  }

  onTestModuleEnd(module: TestModule): void {
    const slug = slugOf(module.moduleId);
    this.ended.add(slug);
    // The learner's verdict, as `npm test` gives it: solved, or failing with the first failure's line.
    const record = resultsOfRun(learnerCourse, [summarise(module)], new Map([[slug, ""]]), "")[slug];
    emit({
      type: "kata",
      slug,
      result: record?.result ?? "failing",
      ...(record?.firstFailure ? { firstFailure: record.firstFailure } : {}),
    });
  }

  onTestRunEnd(
    modules: ReadonlyArray<TestModule>,
    unhandled: ReadonlyArray<{ name?: string; message?: string; cause?: unknown }>,
  ): void {
    // When vitest's worker process dies inside a suite, the run still ends here, but that suite's
    // end (and sometimes its start) never came.
    const unfinished = modules.map((module) => slugOf(module.moduleId)).filter((slug) => !this.ended.has(slug));
    emit({ type: "end", unfinished, errors: unhandled.map(errorLine) });
  }
}

const vitest = await createVitest(
  "test",
  {
    watch: false,
    reporters: [
      "default",
      ["json", { outputFile: request.json }],
      // classname "alice.02-lock": a JUnit viewer groups by learner, then by kata.
      [
        "junit",
        {
          outputFile: request.junit,
          suiteName: request.learner,
          classnameTemplate: ({ filepath }: { filepath: string }) =>
            `${request.learner}.${slugOf(path.resolve(learnerCourse.root, filepath))}`,
        },
      ],
      new Events(),
    ],
  },
  {},
  {},
);
try {
  await vitest.start(request.katas.map((slug) => `katas/${slug}/`));
} finally {
  await vitest.close();
}
// Whatever the learner's code left behind (a timer in a worker, esbuild's service) must not keep
// this process, and so the class, waiting.
process.exit(0);
