// The self-check's look at the learners' CI (.github/workflows/katas.yml): the file passes a
// workflow validator (@action-validator/cli, GitHub's schema from SchemaStore), which must also
// reject a broken copy of it (so a validator that checks nothing is seen); and its summary step,
// run as the workflow runs it, writes the kata table as Markdown to $GITHUB_STEP_SUMMARY.

import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { catalogue } from "../katas/catalogue.ts";
import { repositoryRoot } from "../harness/engine/under-test.ts";
import type { Row } from "./verify.ts";

export const workflowFile = path.join(".github", "workflows", "katas.yml");

/** A row of the self-check's table. */
type Check = Row;

function validate(file: string): { ok: boolean; output: string } {
  const cli = path.join(repositoryRoot, "node_modules", "@action-validator", "cli", "cli.mjs");
  const run = spawnSync(process.execPath, [cli, file], { cwd: repositoryRoot, encoding: "utf8" });
  return { ok: run.status === 0, output: `${run.stdout}${run.stderr}`.trim() };
}

/** The first problem the validator names: "Additional property 'runs-onn' is not allowed at /jobs/katas". */
function firstProblem(output: string): string {
  const detail = /"detail": "([^"]+)"[\s\S]*?"path": "([^"]+)"/.exec(output);
  return detail ? `${detail[1]} at ${detail[2]}` : (output.split("\n")[0] ?? "invalid");
}

function validatorCheck(scratch: string): Check {
  const started = performance.now();
  const workflow = readFileSync(path.join(repositoryRoot, workflowFile), "utf8");
  const verdict = validate(workflowFile);
  const broken = path.join(scratch, "broken.yml");
  writeFileSync(broken, workflow.replace(/^(\s+)runs-on:/m, "$1runs-onn:"));
  const rejects = !validate(broken).ok;
  const got = !verdict.ok
    ? firstProblem(verdict.output)
    : rejects
      ? "valid"
      : "valid, but the validator also passed a broken copy: it checks nothing";
  return {
    check: "workflow",
    variant: workflowFile,
    expected: "valid",
    ok: verdict.ok && rejects,
    got,
    ms: performance.now() - started,
  };
}

/** Runs the workflow's own summary command (the step that appends to $GITHUB_STEP_SUMMARY) here. */
function summaryCheck(scratch: string): Check {
  const started = performance.now();
  const workflow = readFileSync(path.join(repositoryRoot, workflowFile), "utf8");
  const command = /^\s+run: (.*\$GITHUB_STEP_SUMMARY.*)$/m.exec(workflow)?.[1];
  const result = (ok: boolean, got: string): Check => ({
    check: "workflow",
    variant: "job summary: the kata table",
    expected: "Markdown, every kata",
    ok,
    got,
    ms: performance.now() - started,
  });
  if (!command) return result(false, `no step of ${workflowFile} writes to $GITHUB_STEP_SUMMARY`);
  const summary = path.join(scratch, "summary.md");
  writeFileSync(summary, "");
  const run = spawnSync("bash", ["-c", command], {
    cwd: repositoryRoot,
    encoding: "utf8",
    env: {
      ...process.env,
      GITHUB_STEP_SUMMARY: summary,
      GITHUB_SERVER_URL: "https://github.com",
      GITHUB_REPOSITORY: "learner/threadkata",
      GITHUB_SHA: "0123abc",
    },
  });
  if (run.status !== 0)
    return result(false, `\`${command}\` exited ${run.status}: ${(run.stderr || run.stdout).trim().split("\n")[0]}`);
  const markdown = readFileSync(summary, "utf8");
  const missing = catalogue.filter(
    (kata) =>
      !markdown.includes(
        `| [${kata.slug}](https://github.com/learner/threadkata/blob/0123abc/katas/${kata.slug}/README.md) |`,
      ),
  );
  if (!markdown.includes("|---|---|---|---|") || missing.length > 0)
    return result(false, `the table lacks ${missing.map((kata) => kata.slug).join(", ") || "its header"}`);
  return result(true, `${markdown.split("\n")[0]} (${command})`);
}

export function workflowChecks(): Check[] {
  const scratch = mkdtempSync(path.join(os.tmpdir(), "threadkata-workflow-"));
  try {
    return [validatorCheck(scratch), summaryCheck(scratch)];
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
