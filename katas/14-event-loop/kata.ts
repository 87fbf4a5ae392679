import type { Kata } from "../kata-type.ts";

export default {
  slug: "14-event-loop",
  title: "Don't block the event loop",
  kind: "build",
  files: ["offload.ts"],
  python: [
    "loop.run_in_executor(pool, heavy, *args)",
    "asyncio.to_thread(heavy, *args)",
    "the GIL: threads do not speed up CPU-bound work",
    "ProcessPoolExecutor(max_workers=...)",
  ],
  requires: [],
  hints: [
    "A Promise does not move work anywhere: new Promise((resolve) => resolve(heavy())) runs heavy() at once, on this thread, and the event loop waits for it. Only another thread (a Worker) takes the work off the loop.",
    'run() is two halves: in this thread, start a worker with startWorker(job, { bootstrap: [import.meta.url, "bootstrap"], workerData: { args } }) and return a Promise that its events settle; in the worker, bootstrap(job) calls job(...workerData.args) and posts what happened with parentPort.postMessage.',
    'bootstrap(): try { value = await job(...args) } catch (error) { ... }, then post { ok, value } or { ok: false, error, name: error.name }: the await catches an async job\'s rejection too, and the name travels apart because a structured clone turns a JobFailed into a plain Error. In run(), listen to "message" (the outcome), "error" (what escapes bootstrap) and "exit" (settle there: the last message comes before it).',
    "The bound: never wait with Atomics.wait here, it would block the loop you are freeing. Count the jobs running; when maxWorkers run, push a resolve function onto a queue and await that Promise. When a job ends, shift the next resolve off the queue and call it (the turn passes straight to it), or, if nobody waits, count one less.",
    "async run(job, ...args) { await this.turn(); try { return await this.inWorker(job, args); } finally { this.done(); } }. turn(): if (this.running < this.maxWorkers) { this.running++; return Promise.resolve(); } return new Promise((r) => this.waiting.push(r)). done(): const next = this.waiting.shift(); if (next) next(); else this.running--.",
  ],
} satisfies Kata;
