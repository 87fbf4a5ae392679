// Runs a kata's TypeScript program as a real child process, for katas about a whole program's life:
// signals, exit codes, daemon threads (kata 12). The learner's code runs in the child, never on the
// test's thread; the test drives the child by order, never by sleeping:
//
//   const program = kataProgram("12-shutdown", new URL("./program.ts", import.meta.url));
//   const run = await program.start({ writers: 2 });           // argv[2] is the options, as JSON
//   await run.line("w0 idle", "writer w0 going idle");          // its stdout lines are events
//   run.signal("SIGTERM");                                       // real signals
//   const exit = await run.exit("exiting after SIGTERM");       // a generous deadline, classified
//
// The program is bundled with esbuild as the harness bundles workers (#kata/ follows THREADKATA_SOURCE
// and THREADKATA_SWAP), runs with `node --enable-source-maps` in a process group of its own, with an
// IPC channel (`run.send(message)`; the program should `process.channel?.unref()` so that the channel
// does not keep it alive). Every wait has a deadline; a missed one fails with DeadlineExceeded naming
// what the test waited for and the program's last lines. Whatever happens, the whole process group is
// killed: when a wait fails, and after each test and after the file (kataProgram registers the hooks).
// A program should also end itself when its IPC channel closes ("disconnect"), in case the test
// runner itself is killed.

import { build, formatMessages, type Message } from "esbuild";
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach } from "vitest";
import { resolution, stopBundler } from "./engine/bundle.ts";
import {
  DeadlineExceeded,
  ExceptionInThread,
  NotImplementedError,
  RuleBroken,
  ScenarioLoadError,
  WorkerCrashed,
  type KataFailure,
} from "./report/failures.ts";
import { deadlineMs } from "./engine/stress-level.ts";
import { shortenPaths, underTest } from "./engine/under-test.ts";
import { bundleCache, workerBundleOptions, writeBundle } from "./engine/worker-bundle.ts";
import { atTermination, removeTemporaryFolder, temporaryFolder } from "./engine/temp.ts";
import { outOfMemoryMessage, programHeapFlag, programOutOfMemory } from "./engine/limits.ts";

/** How long a program may take to print a line it owes, or to exit when it should: generous, never a speed test. */
export function patienceMs(): number {
  return Math.max(2_500, 2.5 * deadlineMs());
}

/** Starting node and loading the bundle can be slow on a busy machine: the first line gets longer. */
const startupMs = 10_000;
const shownLines = 12;

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

type Failure = new (message: string) => KataFailure;

/** One run of the program. */
export class RunningProgram {
  readonly stdout: string[] = [];
  readonly stderr: string[] = [];
  exited: Exit | undefined;
  /** A scratch folder for this run's files, removed when the run is killed. */
  readonly directory: string;
  private readonly waiters = new Set<() => void>();
  private readonly ended: Promise<Exit>;
  private killed = false;

  constructor(
    private readonly child: ChildProcess,
    directory: string,
  ) {
    this.directory = directory;
    const collect = (into: string[], stream: NodeJS.ReadableStream | null) => {
      let partial = "";
      stream?.setEncoding("utf8");
      stream?.on("data", (chunk: string) => {
        const parts = (partial + chunk).split("\n");
        partial = parts.pop()!;
        into.push(...parts);
        this.wake();
      });
      stream?.on("end", () => {
        if (partial) into.push(partial);
        partial = "";
        this.wake();
      });
    };
    collect(this.stdout, child.stdout);
    collect(this.stderr, child.stderr);
    // "exit" can come before the pipes are drained: wait for "close", which comes after both.
    this.ended = new Promise((resolve) => {
      child.on("close", (code, signal) => {
        this.exited = { code, signal };
        this.wake();
        resolve(this.exited);
      });
    });
    child.on("error", () => {});
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }

  /** The first stdout line (since the start) that matches, as soon as it is printed. */
  private seen(match: string | RegExp): string | undefined {
    return this.stdout.find((line) => (typeof match === "string" ? line === match : match.test(line)));
  }

  /** Whether the program has printed a line matching `match` (so far). */
  printed(match: string | RegExp): boolean {
    return this.seen(match) !== undefined;
  }

  /**
   * Waits for a stdout line (exactly `match`, or matching the RegExp); resolves with it, or with
   * undefined if the program ended first. On the deadline: DeadlineExceeded, and the program is killed.
   */
  async lineOrExit(match: string | RegExp, what: string, withinMs = startupMs): Promise<string | undefined> {
    const outcome = await this.until(() => this.seen(match) ?? (this.exited ? null : undefined), withinMs);
    if (outcome === "deadline") {
      throw await this.fail(
        DeadlineExceeded,
        `${what}: the program did not print ${show(match)} within ${withinMs} ms`,
      );
    }
    return outcome ?? undefined;
  }

  /** Like lineOrExit, but the program ending first fails too (with what it printed on stderr, if anything). */
  async line(match: string | RegExp, what: string, withinMs = startupMs): Promise<string> {
    const line = await this.lineOrExit(match, what, withinMs);
    if (line === undefined) {
      throw await this.fail(
        RuleBroken,
        `${what}: the program ended (${describeExit(this.exited!)}) without printing ${show(match)}`,
      );
    }
    return line;
  }

  /** Waits for the program to end; on the deadline: DeadlineExceeded naming `what`, and the program is killed. */
  async exit(what: string, withinMs = patienceMs()): Promise<Exit> {
    const outcome = await this.until(() => this.exited, withinMs);
    if (outcome === "deadline")
      throw await this.fail(DeadlineExceeded, `${what}: the program was still running ${withinMs} ms later`);
    return outcome;
  }

  /** Sends a real signal to the program (its main process only, as a terminal's kill would). */
  signal(signal: NodeJS.Signals): void {
    if (!this.exited) this.child.kill(signal);
  }

  /** Sends a message over the IPC channel (the program's process.on("message")). */
  send(message: unknown): void {
    if (!this.exited && this.child.connected) this.child.send(message as never);
  }

  /**
   * A classified failure about this run, with the program's last lines; kills the program first.
   * A NotImplementedError the program printed wins over everything (a stub, or a part of one); an
   * uncaught error it printed is an ExceptionInThread; otherwise `kind`.
   */
  async fail(kind: Failure, message: string): Promise<KataFailure> {
    const running = this.exited === undefined;
    await this.kill();
    const errors = this.stderr.join("\n");
    const stub = /NotImplementedError: (not implemented yet: [^\n]*)/.exec(errors);
    if (stub) return new NotImplementedError(shortenPaths(stub[1]!));
    if (programOutOfMemory.test(errors))
      return new WorkerCrashed(`${outOfMemoryMessage("in the program")}\n${message}${this.transcript(running)}`);
    const crash = errors.search(/^(Exception in thread |(\w*Error|Error)( \[\w+\])?: )/m);
    const lines = this.transcript(running);
    if (crash >= 0 && kind !== NotImplementedError) {
      return new ExceptionInThread(
        `${message}\nthe program printed an error:\n${indent(shortenPaths(errors.slice(crash)).split("\n").slice(0, 14))}${lines}`,
      );
    }
    return new kind(`${message}${lines}`);
  }

  /** The last lines the program printed, for a failure message. */
  transcript(wasRunning = this.exited === undefined): string {
    const out = this.stdout.slice(-shownLines);
    const skipped = this.stdout.length - out.length;
    const state = wasRunning ? "it was killed (its whole process group)" : `it ended: ${describeExit(this.exited!)}`;
    const heading = `\nthe program's last lines (${this.stdout.length} in all; ${state}):`;
    const body = out.length ? indent([...(skipped ? [`… ${skipped} more`] : []), ...out]) : "  (none)";
    const err = this.stderr.filter(Boolean).slice(-6);
    return `${heading}\n${body}${err.length ? `\nand on stderr:\n${indent(err.map(shortenPaths))}` : ""}`;
  }

  /** Kills the whole process group (SIGKILL) at once, without waiting. */
  killNow(): void {
    if (!this.killed) {
      this.killed = true;
      if (!this.exited && this.child.pid) {
        try {
          process.kill(-this.child.pid, "SIGKILL");
        } catch {
          this.child.kill("SIGKILL");
        }
      }
    }
  }

  /** Kills the whole process group (SIGKILL) and waits until the process is gone; removes the scratch folder. */
  async kill(): Promise<void> {
    this.killNow();
    // A process group whose leader has ended may still hold others: kill the group in any case.
    if (this.child.pid) {
      try {
        process.kill(-this.child.pid, "SIGKILL");
      } catch {
        // no such group left: good
      }
    }
    await Promise.race([this.ended, new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
    removeTemporaryFolder(this.directory);
  }

  private until<T>(check: () => T | undefined, withinMs: number): Promise<T | "deadline"> {
    return new Promise((resolve) => {
      const settle = (value: T | "deadline") => {
        clearTimeout(timer);
        this.waiters.delete(look);
        resolve(value);
      };
      const look = () => {
        const value = check();
        if (value !== undefined) settle(value);
      };
      const timer = setTimeout(() => settle("deadline"), withinMs);
      this.waiters.add(look);
      look();
    });
  }
}

export interface KataProgram {
  /** Starts the program with `options` (its argv[2], as JSON, plus `directory`: a scratch folder of its own). */
  start(options?: Record<string, unknown>): Promise<RunningProgram>;
}

/** The program of one kata; kills every run it started after each test and after the file. */
export function kataProgram(kata: string, entry: URL): KataProgram {
  const entryFile = fileURLToPath(entry);
  const runs = new Set<RunningProgram>();
  let bundle: Promise<string> | undefined;
  const killAll = async () => {
    await Promise.all([...runs].map((run) => run.kill()));
    runs.clear();
  };
  afterEach(killAll);
  // Ctrl-C or a kill of the test run: no hook runs then, so the programs go at once.
  atTermination(() => runs.forEach((run) => run.killNow()));
  afterAll(async () => {
    await killAll();
    await stopBundler();
  });
  return {
    async start(options = {}) {
      bundle ??= bundleProgram(kata, entryFile);
      const file = await bundle;
      const directory = temporaryFolder(`${kata}-`);
      const child = spawn(
        process.execPath,
        ["--enable-source-maps", programHeapFlag, file, JSON.stringify({ ...options, directory })],
        {
          cwd: directory,
          detached: true,
          stdio: ["ignore", "pipe", "pipe", "ipc"],
          env: { ...process.env, NODE_OPTIONS: "" },
        },
      );
      const run = new RunningProgram(child, directory);
      runs.add(run);
      return run;
    },
  };
}

/** Bundles the program (and, through #kata/, the code under test) into one file; returns its path. */
async function bundleProgram(kata: string, entryFile: string): Promise<string> {
  const result = await build({
    ...workerBundleOptions(
      {
        contents: `import ${JSON.stringify(entryFile)};`,
        resolveDir: path.dirname(entryFile),
        sourcefile: `${kata}-program.ts`,
      },
      path.join(bundleCache, "programs", "program.mjs"),
    ),
    plugins: [resolution(underTest())],
  }).catch(async (failure: { errors?: Message[] }) => {
    const text = failure.errors
      ? (await formatMessages(failure.errors, { kind: "error", color: false })).join("\n")
      : String(failure);
    throw new ScenarioLoadError(`the code could not be loaded:\n${shortenPaths(text.trim())}`);
  });
  return fileURLToPath(writeBundle(result.outputFiles[0]!.contents, path.join(bundleCache, "programs"), kata));
}

export function describeExit(exit: Exit): string {
  if (exit.signal) return `killed by ${exit.signal}`;
  // Node's own code when the event loop runs dry while the module's top-level await still waits.
  if (exit.code === 13) {
    return `exit code 13: the program's top-level promise never settled (it still awaited something when nothing was left to keep the program alive)`;
  }
  return `exit code ${exit.code}`;
}

function show(match: string | RegExp): string {
  return typeof match === "string" ? `"${match}"` : String(match);
}

function indent(lines: string[]): string {
  return lines.map((line) => `  ${line}`).join("\n");
}
