// The benchmark worker's side: runs the task the main thread names, posts back its result or error.
// Tasks block (Atomics.wait) or await (MessagePort); either way one task at a time.

import { parentPort } from "node:worker_threads";

export type Tasks = Record<string, (input: any) => unknown>;

export interface Request {
  id: number;
  task: string;
  input: unknown;
}

export type Reply =
  { id: number; ok: true; value: unknown } | { id: number; ok: false; name: string; message: string; stack?: string };

export function serve(tasks: Tasks): void {
  const port = parentPort!;
  port.on("message", async ({ id, task, input }: Request) => {
    try {
      const run = tasks[task];
      if (!run) throw new Error(`no task "${task}" in this worker`);
      port.postMessage({ id, ok: true, value: await run(input) } satisfies Reply);
    } catch (error) {
      const e = error instanceof Error ? error : new Error(String(error));
      port.postMessage({ id, ok: false, name: e.name, message: e.message, stack: e.stack } satisfies Reply);
    }
  });
}
