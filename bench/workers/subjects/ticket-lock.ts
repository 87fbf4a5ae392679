// The toolkit's plain lock (a ticket lock): one reader at a time.
import { TicketLock } from "#toolkit/ticket-lock.ts";

export function reading(memory: Int32Array, body: () => void): () => void {
  const lock = new TicketLock(memory.subarray(0, TicketLock.WORDS));
  return () => {
    lock.acquire();
    body();
    lock.release();
  };
}
