import type { Kata } from "../kata-type.ts";

export default {
  slug: "09-pipeline",
  title: "Producers, consumers, sentinels",
  kind: "build",
  files: ["pipeline.ts"],
  python: [
    "threading.Thread(target=producer) / (target=consumer)",
    "q.put(None) as a sentinel (poison pill)",
    "while (item := q.get()) is not None: ...",
    "q.task_done(), q.join()",
  ],
  requires: ["08-queue"],
  hints: [
    "produce() is one loop of put(). consume() is a loop of get() that ends at the SENTINEL; everything else it gets goes to handle().",
    "A consumer must not stop because the queue is empty: that happens whenever the consumers are ahead of the producers. Only a SENTINEL means the work is over, so use the blocking get().",
    "Each consumer stops at the first SENTINEL it gets, and takes no more. How many sentinels does stopConsumers(queue, consumers) have to put so that every consumer gets one?",
    "queue.join() waits until taskDone() has been called once for every item ever put. The sentinels were put too: mark them done as well (a try/finally around the handling of each item does it for every item, sentinels and failures included).",
  ],
} satisfies Kata;
