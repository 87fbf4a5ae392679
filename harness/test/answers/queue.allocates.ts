// BAD ANSWER, KEPT FOR THE SELF-CHECK: 08-queue's reference, but put() also keeps a copy of every
// item in a list that only grows (a log nobody empties). The thread that puts reaches its heap limit:
// the suite must fail that test with "ran out of memory: ... inside put(...)", and the run go on.

import { BoundedQueue as Reference } from "../../../solutions/08-queue/queue.ts";

export * from "../../../solutions/08-queue/queue.ts";

const log: number[][] = [];

export class BoundedQueue extends Reference {
  override put(item: number, timeout?: number): void {
    log.push(new Array<number>(250_000).fill(item + 0.5)); // 2 MB a call, never let go
    super.put(item, timeout);
  }
}
