// Where a run's temporary files live: .threadkata/tmp/ in the repository (git ignores .threadkata/),
// one folder per process that makes them, named by its pid. A process removes its own folder when it
// ends; a process that was killed cannot, so each run first removes the folders of processes that
// are gone (vitest.config.ts calls cleanLeftovers()). Nothing lands in the system's temp directory.

import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmdirSync, rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

/** Every run's temporary files, under the repository's .threadkata/. */
export const temporaryRoot = path.join(root, ".threadkata", "tmp");

let mine: string | undefined;
let removesAtEnd = false;

const terminationSignals = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
const onTermination: Array<() => void> = [];

/**
 * Runs `action` (synchronously) if this process is ended by Ctrl-C, SIGTERM or SIGHUP, and then lets
 * the signal do what it would have done: no exit handler runs when a signal ends a process.
 */
export function atTermination(action: () => void): void {
  if (onTermination.length === 0) {
    const handler = (signal: NodeJS.Signals) => {
      for (const each of onTermination.splice(0)) {
        try {
          each();
        } catch {
          // the others must run all the same
        }
      }
      for (const name of terminationSignals) process.off(name, handler);
      // Someone else listens (vitest): they decide. Otherwise the signal's own default: end.
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    };
    for (const name of terminationSignals) process.on(name, handler);
  }
  onTermination.push(action);
}

/** This process's folder, made on first use and removed when the process exits. */
function processFolder(): string {
  if (!mine) {
    const folder = path.join(temporaryRoot, String(process.pid));
    mkdirSync(folder, { recursive: true });
    if (!removesAtEnd) {
      removesAtEnd = true;
      const remove = () => rmSync(folder, { recursive: true, force: true });
      process.once("exit", remove);
      atTermination(remove);
    }
    mine = folder;
  }
  return mine;
}

/** A fresh, empty folder for this run's files: `<prefix>XXXXXX` in this process's folder. */
export function temporaryFolder(prefix: string): string {
  return mkdtempSync(path.join(processFolder(), prefix));
}

/**
 * Removes a folder temporaryFolder() made, and this process's folder once it is empty: test
 * processes are often ended by a signal, when no exit handler runs.
 */
export function removeTemporaryFolder(folder: string): void {
  rmSync(folder, { recursive: true, force: true });
  if (!mine || path.dirname(folder) !== mine) return;
  try {
    rmdirSync(mine);
    mine = undefined;
  } catch {
    // not empty: another folder of this process is still in use
  }
}

/**
 * A process's state letter and process group, from Linux's /proc (undefined elsewhere, or if the
 * process is gone). "Z" is a zombie: ended, its entry kept until its parent collects it.
 */
export function processStat(pid: number): { state: string; group: number } | undefined {
  try {
    // pid (comm) state ppid pgrp ...: comm may hold spaces, so read after its closing parenthesis.
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const [state, , group] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return { state: state!, group: Number(group) };
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: a process of another user has that pid now; not ours, but alive.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
  // A zombie has ended (a test process whose parent is this very exit handler is one until it returns).
  return processStat(pid)?.state !== "Z";
}

/**
 * Removes the folders of processes that have ended (a kill left them); returns how many. With
 * `waitMs`, first gives the processes that own folders up to that long to end: at the exit of the
 * run's main process, its test processes are on their way out (Ctrl-C reaches them all at once).
 */
export function cleanLeftovers(waitMs = 0): number {
  let removed = 0;
  let entries: string[];
  try {
    entries = readdirSync(temporaryRoot);
  } catch {
    return 0;
  }
  const owner = (entry: string) => Number(entry);
  const until = performance.now() + waitMs;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  while (performance.now() < until && entries.some((entry) => owner(entry) !== process.pid && alive(owner(entry)))) {
    Atomics.wait(pause, 0, 0, 20); // an exit handler cannot await: sleep in small steps
  }
  for (const entry of entries) {
    const pid = owner(entry);
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) continue;
    rmSync(path.join(temporaryRoot, entry), { recursive: true, force: true });
    removed++;
  }
  return removed;
}

/**
 * At the end of this process (Ctrl-C too), removes the folders of its test processes, which are
 * ending with it. Once per process, however often the vitest config that calls it is loaded.
 */
export function cleanLeftoversAtExit(): void {
  const key = Symbol.for("threadkata.cleanLeftoversAtExit");
  const global = globalThis as Record<symbol, unknown>;
  if (global[key]) return;
  global[key] = true;
  process.once("exit", () => cleanLeftovers(1_000));
}
