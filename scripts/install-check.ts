// The self-check's install rows: what a learner's first command does. A fresh `npm ci` runs no
// dependency's install script that package.json's "allowScripts" does not allow, and prints no
// warning about one; and the suites still run when every install script is skipped (npm 12's
// default for a dependency allowScripts does not list, and `npm ci --ignore-scripts`).
//
// Both installs happen in temporary copies, so the repository's own node_modules is never touched.

import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { cpSync, existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { removeTemporaryFolder, temporaryFolder } from "../harness/engine/temp.ts";
import { repositoryRoot } from "../harness/engine/under-test.ts";

export interface InstallVerdict {
  variant: string;
  expected: string;
  ok: boolean;
  got: string;
  ms: number;
}

const npm = process.platform === "win32" ? "npm.cmd" : "npm";

/** The environment of an install we read the warnings of: .ci/run quietens npm to errors only. */
function installEnvironment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    npm_config_loglevel: "warn",
    npm_config_audit: "false",
    npm_config_fund: "false",
  };
  delete env.CI; // the project's own prepare must be a no-op here because there is no .git, not because of CI
  return env;
}

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): SpawnSyncReturns<string> {
  return spawnSync(command, args, { cwd, env, encoding: "utf8", timeout: 300_000 });
}

/** Files git tracks, as the working tree has them: what a fresh clone would hold. */
function trackedFiles(): string[] {
  const listed = run("git", ["ls-files", "-z"], repositoryRoot, process.env);
  if (listed.status !== 0) throw new Error(`git ls-files failed: ${listed.stderr}`);
  return listed.stdout.split("\0").filter((file) => file && existsSync(path.join(repositoryRoot, file)));
}

function copyFiles(files: string[], into: string): void {
  for (const file of files) cpSync(path.join(repositoryRoot, file), path.join(into, file), { recursive: true });
}

/**
 * Every dependency with an install script must be named in allowScripts, allowed or denied; the
 * project's own prepare (the git hooks) runs in a git checkout, and does nothing with --omit=dev.
 */
function freshInstall(): InstallVerdict {
  const started = performance.now();
  const folder = temporaryFolder("install-");
  const bare = temporaryFolder("install-");
  try {
    const packageFiles = ["package.json", "package-lock.json", "scripts/install-hooks.mjs"];
    copyFiles(packageFiles, folder);
    run("git", ["init", "-q"], folder, process.env);
    const install = run(npm, ["ci"], folder, installEnvironment());
    const output = `${install.stdout}\n${install.stderr}`;
    const warning = output.split("\n").find((line) => /allowScripts|install-scripts|not yet covered/i.test(line));
    // esbuild's postinstall swaps its JavaScript launcher for the native binary; denied, the launcher stays.
    const launcher = path.join(folder, "node_modules", "esbuild", "bin", "esbuild");
    const postinstallRan = existsSync(launcher) && !readFileSync(launcher, "utf8").startsWith("#!/usr/bin/env node");
    const hooksInstalled = existsSync(path.join(folder, ".husky", "_"));
    copyFiles(packageFiles, bare);
    const production = run(npm, ["ci", "--omit=dev"], bare, installEnvironment());
    let got =
      "no install-script warning; esbuild's postinstall skipped; git hooks installed; --omit=dev outside git installs cleanly";
    if (install.status !== 0)
      got = `npm ci failed (${install.status}): ${output.trim().split("\n").slice(-3).join(" / ")}`;
    else if (warning) got = `npm warned: ${warning.trim()}`;
    else if (postinstallRan && npmKnowsAllowScripts())
      got = "esbuild's postinstall ran although allowScripts denies it";
    else if (!hooksInstalled) got = "prepare did not install the git hooks in a git checkout";
    else if (production.status !== 0)
      got = `npm ci --omit=dev failed: ${production.stderr.trim().split("\n").slice(-3).join(" / ")}`;
    else if (existsSync(path.join(bare, ".husky", "_")))
      got = "prepare installed git hooks in a folder that is not a git checkout";
    return {
      variant: `fresh npm ci (npm ${npmVersion()})`,
      expected: "no warning",
      ok: got.startsWith("no "),
      got,
      ms: performance.now() - started,
    };
  } finally {
    removeTemporaryFolder(folder);
    removeTemporaryFolder(bare);
  }
}

/** The suites bundle with esbuild's platform package alone: no install script is needed. */
function suitesWithoutScripts(): InstallVerdict {
  const started = performance.now();
  const folder = temporaryFolder("install-");
  try {
    copyFiles(trackedFiles(), folder);
    const install = run(npm, ["ci", "--ignore-scripts"], folder, installEnvironment());
    let got: string;
    if (install.status !== 0)
      got = `npm ci --ignore-scripts failed: ${install.stderr.trim().split("\n").slice(-3).join(" / ")}`;
    else {
      // 02 bundles its workers with esbuild; 11 bundles a worker inside a worker (#toolkit/start-worker.ts).
      const suites = run(
        process.execPath,
        [
          path.join(folder, "node_modules", "vitest", "vitest.mjs"),
          "run",
          "katas/02-lock",
          "katas/11-thread",
          "--reporter=dot",
        ],
        folder,
        { ...process.env, THREADKATA_SOURCE: "solutions", CI: "true" },
      );
      const tests = `${suites.stdout}`.match(/Tests\s+.*?\((\d+)\)/)?.[0]?.replace(/\u001b\[[0-9;]*m/g, "");
      got =
        suites.status === 0
          ? `02 and 11 pass on the references: ${tests ?? "all passed"}`
          : `the suites failed: ${(suites.stdout + suites.stderr).trim().split("\n").slice(-4).join(" / ")}`;
    }
    return {
      variant: "npm ci --ignore-scripts, then suites",
      expected: "suites pass",
      ok: install.status === 0 && got.startsWith("02 and 11 pass"),
      got,
      ms: performance.now() - started,
    };
  } finally {
    removeTemporaryFolder(folder);
  }
}

function npmVersion(): string {
  return run(npm, ["--version"], repositoryRoot, process.env).stdout.trim();
}

/** allowScripts came with npm 11.16; older npm ignores the field and runs every install script. */
function npmKnowsAllowScripts(): boolean {
  const [major = 0, minor = 0] = npmVersion().split(".").map(Number);
  return major > 11 || (major === 11 && minor >= 16);
}

export function installChecks(): InstallVerdict[] {
  return [freshInstall(), suitesWithoutScripts()];
}
