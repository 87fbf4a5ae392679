// Everything the kata command touches outside itself: the course's paths, the terminal, and the
// programs it starts. The real one is below; the command's tests build their own.

import { spawn, spawnSync } from "node:child_process";
import path from "node:path";
import { createInterface } from "node:readline/promises";
import { palette, type Palette } from "../../harness/report/colour.ts";
import type { Course } from "../../harness/course/progress.ts";

export interface KataEnvironment {
  course: Course;
  paint: Palette;
  write(text: string): void;
  /** A person is there to answer a question: stdin and stdout are both terminals. */
  interactive: boolean;
  /** Asks a yes/no question; anything but y or yes is no. */
  ask(question: string): Promise<boolean>;
  /** Runs vitest in the course root, on the learner's terminal; resolves to its exit code. */
  runVitest(args: string[], env: Record<string, string>): Promise<number>;
  /** Runs a TypeScript file with tsx, on the learner's terminal. */
  runScript(file: string): Promise<number>;
  /** The git program, or null where there is none. */
  git: string | null;
}

/** Runs a child on the learner's terminal. Ctrl-C reaches the child too; we wait for it to finish. */
function attached(command: string, args: string[], cwd: string, env: Record<string, string>): Promise<number> {
  return new Promise((resolve) => {
    const ignore = () => {};
    process.on("SIGINT", ignore);
    const child = spawn(command, args, { cwd, stdio: "inherit", env: { ...process.env, ...env } });
    const done = (code: number) => {
      process.off("SIGINT", ignore);
      resolve(code);
    };
    child.on("error", () => done(127));
    child.on("exit", (code, signal) => done(code ?? (signal ? 130 : 1)));
  });
}

function findGit(): string | null {
  return spawnSync("git", ["--version"], { stdio: "ignore" }).status === 0 ? "git" : null;
}

export function terminalEnvironment(course: Course): KataEnvironment {
  const modules = path.join(course.root, "node_modules");
  return {
    course,
    paint: palette(process.stdout),
    write: (text) => void process.stdout.write(text),
    interactive: Boolean(process.stdin.isTTY && process.stdout.isTTY),
    async ask(question) {
      const prompt = createInterface({ input: process.stdin, output: process.stdout });
      try {
        return /^y(es)?$/i.test((await prompt.question(question)).trim());
      } finally {
        prompt.close();
      }
    },
    runVitest: (args, env) =>
      attached(process.execPath, [path.join(modules, "vitest", "vitest.mjs"), ...args], course.root, env),
    runScript: (file) =>
      attached(process.execPath, [path.join(modules, "tsx", "dist", "cli.mjs"), file], course.root, {}),
    git: findGit(),
  };
}
