// Runs in a child process (node <this, bundled> <json>), one subject per process, so that no pool's
// threads or garbage slow another's figures. Prints { figures } or { error } as JSON on stdout.
//
// Subjects: "reference" and "yours" (ThreadPoolExecutor: which one "#kata/" means is chosen when
// this file is bundled, and THREADKATA_SOURCE/SWAP say the same to the pool's workers), "piscina",
// and "postMessage": the least a pool can do, one message per task each way, round robin.

import { writeFileSync } from "node:fs";
import path from "node:path";
import { Worker } from "node:worker_threads";
import { temporaryFolder } from "../harness/engine/temp.ts";
import { ThreadPoolExecutor } from "#kata/13-executor/executor.ts";

export interface ExecutorChildInput {
  subject: string;
  workers: number;
  /** Tasks submitted at once, per timed run. */
  tasks: number;
  runs: number;
  warmups: number;
  /** Round trips per latency run. */
  rounds: number;
  tinyTaskFile: string;
  /** Measure the start-up only, then close the pool: another sample of it, in a fresh process. */
  startupOnly?: boolean;
}

export interface ExecutorFigures {
  startupMs: number;
  throughput: number[];
  latencyMicros: number[];
}

interface Pool {
  run(n: number): PromiseLike<number>;
  close(): Promise<void>;
}

async function makePool(input: ExecutorChildInput): Promise<Pool> {
  if (input.subject === "piscina") {
    const { Piscina } = await import("piscina");
    // In the run's own temporary folder (harness/engine/temp.ts), never the system's.
    const directory = temporaryFolder("bench-");
    const filename = path.join(directory, "plus-one.mjs");
    writeFileSync(filename, "export default function plusOne(n) { return n + 1; }\n");
    const pool = new Piscina({ filename, minThreads: input.workers, maxThreads: input.workers, idleTimeout: 60_000 });
    return { run: (n) => pool.run(n) as Promise<number>, close: () => pool.destroy() };
  }
  if (input.subject === "postMessage") {
    const code = `const { parentPort } = require("node:worker_threads"); parentPort.on("message", (m) => parentPort.postMessage([m[0], m[1] + 1]));`;
    const workers = Array.from({ length: input.workers }, () => new Worker(code, { eval: true }));
    const waiting = new Map<number, (value: number) => void>();
    for (const worker of workers)
      worker.on("message", ([id, value]: [number, number]) => (waiting.get(id)!(value), waiting.delete(id)));
    let next = 0;
    return {
      run: (n) =>
        new Promise<number>((resolve) => {
          const id = next++;
          waiting.set(id, resolve);
          workers[id % workers.length]!.postMessage([id, n]);
        }),
      close: async () => void (await Promise.all(workers.map((w) => w.terminate()))),
    };
  }
  const executor = new ThreadPoolExecutor({ maxWorkers: input.workers });
  const task = [input.tinyTaskFile, "plusOne"] as const;
  return { run: (n) => executor.submit<number>(task, n), close: () => executor.shutdown() };
}

async function measure(input: ExecutorChildInput): Promise<ExecutorFigures> {
  let started = performance.now();
  const pool = await makePool(input);
  // Start-up: from making the pool to the first result, with every worker started.
  await Promise.all(Array.from({ length: input.workers * 4 }, (_, i) => pool.run(i)));
  const startupMs = performance.now() - started;
  try {
    if (input.startupOnly) return { startupMs, throughput: [], latencyMicros: [] };
    const throughput: number[] = [];
    for (let run = 0; run < input.warmups + input.runs; run++) {
      started = performance.now();
      const results = await Promise.all(Array.from({ length: input.tasks }, (_, i) => pool.run(i)));
      const elapsed = performance.now() - started;
      if (results[input.tasks - 1] !== input.tasks) throw new Error(`wrong result: ${results[input.tasks - 1]}`);
      if (run >= input.warmups) throughput.push((input.tasks / elapsed) * 1000);
    }
    const latencyMicros: number[] = [];
    for (let run = 0; run < input.warmups + input.runs; run++) {
      started = performance.now();
      for (let round = 0; round < input.rounds; round++) await pool.run(round);
      if (run >= input.warmups) latencyMicros.push(((performance.now() - started) / input.rounds) * 1000);
    }
    return { startupMs, throughput, latencyMicros };
  } finally {
    await pool.close();
  }
}

try {
  const figures = await measure(JSON.parse(process.argv[2]!) as ExecutorChildInput);
  process.stdout.write(JSON.stringify({ figures }));
} catch (error) {
  const e = error as Error;
  process.stdout.write(JSON.stringify({ error: { name: e.name, message: e.message } }));
}
