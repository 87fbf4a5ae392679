// A child process that leaves nothing behind: it leads a process group of its own, a time limit
// kills the whole group, and so does its end (a learner's code may leave a process running). A
// process that left the group (a kata 12 program is started detached, in a group of its own) still
// carries the marker put in the child's environment: on Linux every process carrying it is found in
// /proc and killed too. Only processes this run started can carry the marker.

import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";

export const markerName = "THREADKATA_GRADE_RUN";

export interface IsolatedRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  /** Processes of the run still alive when it ended, killed then (found by the marker; Linux only). */
  leftovers: number;
}

export interface IsolatedOptions {
  env?: Record<string, string>;
  cwd?: string;
  /** Where stdout and stderr go (a file descriptor), or nowhere. */
  output?: number;
  /** Milliseconds from now; the group is killed then. */
  timeLimitMs: number;
  /** Called every `pollMs` while the child runs (the progress line). */
  onPoll?: () => void;
  pollMs?: number;
}

/** The running isolated children, so that an interrupted grader can end them on its way out. */
const running = new Set<() => void>();

export function killAllRunning(): void {
  for (const kill of running) kill();
}

export function runIsolated(command: string, args: string[], options: IsolatedOptions): Promise<IsolatedRun> {
  const marker = randomUUID();
  const output = options.output ?? "ignore";
  const child = spawn(command, args, {
    cwd: options.cwd,
    detached: true,
    stdio: ["ignore", output, output],
    env: { ...process.env, ...options.env, [markerName]: marker },
  });
  let timedOut = false;
  const killGroup = () => signalGroup(child.pid, "SIGKILL");
  const end = () => {
    killGroup();
    killMarked(marker);
  };
  running.add(end);
  const timer = setTimeout(() => {
    timedOut = true;
    end();
  }, options.timeLimitMs);
  const poll = options.onPoll ? setInterval(options.onPoll, options.pollMs ?? 250) : undefined;
  return new Promise((resolve) => {
    const finish = (code: number | null, signal: NodeJS.Signals | null) => {
      clearTimeout(timer);
      if (poll) clearInterval(poll);
      running.delete(end);
      // The leader is gone; whatever it started may not be (each one carries the marker).
      const leftovers = killMarked(marker);
      signalGroup(child.pid, "SIGKILL");
      // A killed process lives on until the kernel next runs it, which on a busy machine takes a
      // while: the run is over when nothing carrying the marker is left, not when the signals are sent.
      // None found (the usual case): nothing to wait for, and no second look through /proc.
      const gone = leftovers > 0 ? untilGone(marker) : Promise.resolve();
      void gone.then(() => resolve({ code, signal, timedOut, leftovers }));
    };
    child.once("error", () => finish(127, null));
    child.once("exit", finish);
  });
}

/** Signals a whole process group; whether any process was in it. */
function signalGroup(pid: number | undefined, signal: NodeJS.Signals): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false; // ESRCH: the group is empty
  }
}

/** Kills every process whose environment carries this run's marker (Linux's /proc; elsewhere none). */
export function killMarked(marker: string): number {
  const killed = new Set<number>();
  // A process killed in one pass may have started another just before: look again. One being
  // killed is still listed until it is gone, so count each process once.
  for (let pass = 0; pass < 5; pass++) {
    const found = markedProcesses(marker);
    if (found.length === 0) break;
    for (const pid of found) {
      try {
        process.kill(pid, "SIGKILL");
        killed.add(pid);
      } catch {
        // gone already
      }
    }
  }
  return killed.size;
}

/** How long the processes just killed may take to be gone before the run ends anyway. */
const goneWithinMs = 10_000;

/** Resolves once no process carries the marker (killing again any that does), or after goneWithinMs. */
async function untilGone(marker: string): Promise<void> {
  const giveUpAt = Date.now() + goneWithinMs;
  while (killMarked(marker) > 0 && Date.now() < giveUpAt) await new Promise((wake) => setTimeout(wake, 10));
}

export function markedProcesses(marker: string): number[] {
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return [];
  }
  const needle = `${markerName}=${marker}\0`;
  const found: number[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${entry}/environ`, "latin1").includes(needle)) found.push(Number(entry));
    } catch {
      // another user's process, or one that just ended
    }
  }
  return found;
}
