import type { Kata } from "../kata-type.ts";

export default {
  slug: "08-queue",
  explore: true,
  title: "Build a blocking queue",
  kind: "build",
  files: ["queue.ts"],
  python: [
    "queue.Queue(maxsize)",
    "q.put(item, timeout=...) / q.get(timeout=...)",
    "q.put_nowait / q.get_nowait, queue.Full / queue.Empty",
    "q.task_done(), q.join()",
  ],
  requires: ["06-condition"],
  hints: [
    "Every method has the same frame: this.mutex.acquire(); try { ... } finally { this.mutex.release(); }. Inside, you may read and write the words freely: no one else touches them while you hold the mutex.",
    "get(): while (length === 0) this.notEmpty.wait(); then take the item at HEAD, move HEAD one on (modulo the capacity), take one from LENGTH, and this.notFull.notify(): a putter may be waiting for exactly that slot. put() is the mirror image: the item goes at (HEAD + LENGTH) % capacity, and it notifies notEmpty.",
    "while, not if: a getter woken by notify() still has to get the mutex back, and another getter may take the item first. The ready condition can also wake a thread nobody notified. After every wake-up, look again.",
    "Timeouts: compute a deadline once (performance.now() + timeout). In the while loop, check the state first and the clock second; throw Full or Empty only when no time remains, otherwise wait(remaining). putNowait(item) is put(item, 0); getNowait() is get(0).",
    "taskDone() and join(): put() adds one to UNFINISHED; taskDone() takes one away (throw if it would go below 0) and, when it reaches 0, this.allTasksDone.notifyAll(). join(): while (UNFINISHED > 0) this.allTasksDone.wait(). It is about tasks done, not about the queue being empty: a consumer may still be working on the last item it got.",
  ],
} satisfies Kata;
