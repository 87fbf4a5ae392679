// How much memory a thread that runs kata code may take. Every worker the harness or the toolkit
// starts gets these limits: an answer that allocates without end then kills its own thread, which
// the harness reports ("ran out of memory: ..."), and never the test process, which V8 would end
// with "FATAL ERROR: Reached heap limit", taking every kata after it in the run along.
//
// The same limit, as a flag, for a kata's whole program run as a child process (child-program.ts).

import type { ResourceLimits } from "node:worker_threads";

/** The heap of one thread: far more than any answer needs (the references use a few MB). */
export const threadHeapLimitMb = 128;

/** resourceLimits for `new Worker(...)`. */
export const threadResourceLimits: ResourceLimits = {
  maxOldGenerationSizeMb: threadHeapLimitMb,
  maxYoungGenerationSizeMb: 16,
};

/** The node flag that gives a child process the same heap limit. */
export const programHeapFlag = `--max-old-space-size=${threadHeapLimitMb}`;

/** Whether a Worker's "error" is its death by the heap limit. */
export function isOutOfMemory(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === "ERR_WORKER_OUT_OF_MEMORY";
}

/** What a child process prints on stderr when V8 ends it at the heap limit. */
export const programOutOfMemory = /Reached heap limit|JavaScript heap out of memory/;

/** The first line of the failure: "ran out of memory: the heap limit of 128 MB was reached inside put()". */
export function outOfMemoryMessage(where: string): string {
  return `ran out of memory: the heap limit of ${threadHeapLimitMb} MB was reached ${where}`;
}
