// The main thread's side: a team of worker threads running one bundle, given tasks together.
// A task that does not finish in time (a learner's lock that deadlocks) ends the team, not the run.

import { Worker, type Transferable } from "node:worker_threads";
import { GO, READY } from "./workers/control.ts";
import type { Reply } from "./workers/serve.ts";
import { threadResourceLimits } from "../harness/engine/limits.ts";

// Source maps on before the bundle is compiled, as the harness's loader does.
const loader = `
process.setSourceMapsEnabled(true);
import(require("node:worker_threads").workerData.bundle);
`;

export class TaskFailed extends Error {
  constructor(
    readonly errorName: string,
    message: string,
  ) {
    super(message);
    this.name = errorName;
  }
}

export class Stuck extends Error {
  override name = "Stuck";
}

export class Team {
  private readonly workers: Worker[];
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  private nextId = 0;
  private closed = false;

  constructor(bundleUrl: string, size: number) {
    this.workers = Array.from({ length: size }, () => {
      // Your answers run here too: the harness's heap limit keeps a leak in its thread (limits.ts).
      const worker = new Worker(loader, {
        eval: true,
        workerData: { bundle: bundleUrl },
        resourceLimits: threadResourceLimits,
      });
      worker.on("message", (reply: Reply) => {
        const waiting = this.pending.get(reply.id);
        if (!waiting) return;
        this.pending.delete(reply.id);
        if (reply.ok) waiting.resolve(reply.value);
        else waiting.reject(new TaskFailed(reply.name, reply.message));
      });
      worker.on("error", (error) => this.failAll(error));
      worker.on("exit", (code) => {
        if (!this.closed) this.failAll(new Error(`a worker exited with code ${code}`));
      });
      return worker;
    });
  }

  get size(): number {
    return this.workers.length;
  }

  private failAll(error: Error): void {
    for (const waiting of this.pending.values()) waiting.reject(error);
    this.pending.clear();
  }

  /** Runs `task` on the first inputs.length workers, worker i with inputs[i]; all results, in order. */
  async run<T>(
    task: string,
    inputs: unknown[],
    options: { timeoutMs: number; transfer?: Transferable[][] },
  ): Promise<T[]> {
    if (inputs.length > this.workers.length)
      throw new Error(`${inputs.length} inputs for a team of ${this.workers.length}`);
    const replies = inputs.map(
      (input, i) =>
        new Promise<T>((resolve, reject) => {
          const id = this.nextId++;
          this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
          this.workers[i]!.postMessage({ id, task, input }, options.transfer?.[i] ?? []);
        }),
    );
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Stuck(`"${task}" did not finish within ${options.timeoutMs} ms`)),
        options.timeoutMs,
      );
    });
    try {
      return await Promise.race([Promise.all(replies), timeout]);
    } catch (error) {
      // A stuck or failed task may leave the others blocked for ever: the team is done.
      await this.close();
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Runs `task` as run() does, on workers that wait at the start line of `control`; lets them go
   * together once all have arrived. A task that fails before the line fails the run, not hangs it.
   */
  async runTogether<T>(
    task: string,
    inputs: unknown[],
    control: Int32Array,
    options: { timeoutMs: number; transfer?: Transferable[][] },
  ): Promise<T[]> {
    const running = this.run<T>(task, inputs, options);
    let settled = false;
    running.then(
      () => (settled = true),
      () => (settled = true),
    );
    while (!settled && Atomics.load(control, READY) < inputs.length)
      await new Promise((resolve) => setTimeout(resolve, 1));
    Atomics.store(control, GO, 1);
    Atomics.notify(control, GO);
    return running;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.failAll(new Stuck("the team was closed"));
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }
}
