// Long-lived worker threads that run TypeScript tasks: the plumbing under kata 13's
// ThreadPoolExecutor, ready-made because loading code into a thread is not the lesson. A task cannot
// be a closure (threads share no heap), so it is named by its module and export, as kata 11's
// targets are: [new URL("./tasks.ts", import.meta.url), "inc"].
//
// In the thread that makes the pool:
//
//   const worker = startTaskWorker([import.meta.url, "workerMain"], { workerData, name: "pool_0" });
//   const key = taskKey([tasks, "inc"]);          // a string that names the task in any thread
//
// In the pool's worker (workerMain(workerData) is called with what startTaskWorker was given):
//
//   const inc = await loadTask(key);              // the function itself; then inc(41) === 42
//   threadName();                                 // "pool_0": the name startTaskWorker was given
//
// Each module is bundled once with esbuild (synchronously, ~90 ms the first time in a thread, cached
// after) into a file with an inline source map, so stacks name the .ts files and lines. A task's key
// is that bundle's file: URL and the export's name; loadTask() import()s the bundle once per thread,
// so a task module's state (set by an initializer, say) is shared by every task of that thread.
// Modules are file: URLs, absolute paths, or "#kata/...", "#toolkit/...", "#threadkata/..."
// specifiers (THREADKATA_SOURCE and THREADKATA_SWAP apply to #kata/, as in the harness).

import path from "node:path";
import { Worker, workerData, type ResourceLimits } from "node:worker_threads";
import { repositoryRoot } from "../harness/engine/under-test.ts";
import { bundleCache } from "../harness/engine/worker-bundle.ts";
import { threadResourceLimits } from "../harness/engine/limits.ts";
import { bundleSync, modulePath } from "./start-worker.ts";

/** A function exported by a module: [module, export name]. */
export type Task = readonly [module: string | URL, exportName: string];

export interface StartTaskWorkerOptions {
  /** Handed to the worker's main function as its argument (structured clone; SharedArrayBuffers are shared). */
  workerData?: unknown;
  /** The thread's name: threadName() in the worker, and in debuggers. */
  name?: string;
  /** Node's per-worker limits (heap sizes, stack): a worker that exceeds them dies. The harness's (limits.ts) by default. */
  resourceLimits?: ResourceLimits;
}

const cacheDirectory = path.join(bundleCache, "tasks");
const nameKey = Symbol.for("threadkata.taskWorkerName");
let live = 0;

/**
 * Starts a worker thread that calls `main(workerData)`: the function `main` names, which you write.
 * The Worker's events ("message", "error", "exit") and postMessage() are yours.
 */
export function startTaskWorker(main: Task, options: StartTaskWorkerOptions = {}): Worker {
  const file = modulePath(main[0]);
  const entry = [
    `import { workerData } from "node:worker_threads";`,
    `import { ${main[1]} as main } from ${JSON.stringify(file)};`,
    `globalThis[Symbol.for("threadkata.taskWorkerName")] = workerData.name;`,
    `main(workerData.data);`,
  ].join("\n");
  const url = bundle(
    { contents: entry, resolveDir: repositoryRoot, sourcefile: "task-worker-entry.ts" },
    `${main[1]}`,
    "the worker's main",
  );
  // Source maps must be on before the bundle is compiled: a tiny loader turns them on, then imports it.
  const loader = `process.setSourceMapsEnabled(true);\nimport(${JSON.stringify(url)});`;
  const worker = new Worker(loader, {
    eval: true,
    workerData: { name: options.name ?? "", data: options.workerData },
    name: options.name,
    resourceLimits: options.resourceLimits ?? threadResourceLimits,
  });
  live++;
  worker.once("exit", () => live--);
  return worker;
}

/** How many workers startTaskWorker() started from this thread that have not exited yet ("exit" seen). */
export function liveTaskWorkers(): number {
  return live;
}

/**
 * A string naming `task` that any thread can load with loadTask(): the bundle of its module and the
 * export's name. Bundles the module the first time (synchronously); throws if it cannot be loaded.
 */
export function taskKey(task: Task): string {
  const file = modulePath(task[0]);
  const entry = `export * from ${JSON.stringify(file)};`;
  const url = bundle(
    { contents: entry, resolveDir: repositoryRoot, sourcefile: "task-module.ts" },
    path.basename(file, ".ts"),
    file,
  );
  return `${url}#${task[1]}`;
}

const loaded = new Map<string, Promise<(...args: unknown[]) => unknown>>();

/** The function a taskKey() names, imported once per thread; rejects if the module has no such export. */
export function loadTask(key: string): Promise<(...args: unknown[]) => unknown> {
  let task = loaded.get(key);
  if (!task) {
    const hash = key.lastIndexOf("#");
    const url = key.slice(0, hash);
    const name = key.slice(hash + 1);
    task = import(url).then((module: Record<string, unknown>) => {
      const fn = module[name];
      if (typeof fn !== "function") throw new TypeError(`${url.split("/").pop()} exports no function "${name}"`);
      return fn as (...args: unknown[]) => unknown;
    });
    loaded.set(key, task);
  }
  return task;
}

/** The name this worker was started with (startTaskWorker's `name`); "MainThread" elsewhere. */
export function threadName(): string {
  const name = (globalThis as Record<symbol, unknown>)[nameKey];
  return typeof name === "string" ? name : "MainThread";
}

/** The workerData of a task worker, as startTaskWorker was given it (undefined elsewhere). */
export function taskWorkerData(): unknown {
  return (workerData as { data?: unknown } | null)?.data;
}

function bundle(
  stdin: { contents: string; resolveDir: string; sourcefile: string },
  stem: string,
  what: string,
): string {
  return bundleSync(stdin, cacheDirectory, stem, what);
}
