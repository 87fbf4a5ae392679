// Sequential models for checkLinearizability (linearizability.ts): what the object does when one
// operation runs at a time. Kinds and result codes are the numbers a scenario records in a History.

import { describeWith, type Model, type Operation } from "./linearizability.ts";

/** Python's None, what put() and write() return. */
const none = -1;

/** The operations of Python's queue.Queue, as recorded kinds. */
export const QueueKind = { put: 0, get: 1, putNowait: 2, getNowait: 3 } as const;

/**
 * What a queue operation returned, besides the item a get returns (items are numbers >= 0).
 * As in Python, a put or get with a timeout that runs out ends in Full or Empty: record it so.
 */
export const QueueResult = { none, full: -2, empty: -3 } as const;

/** The queue's contents, front first. Never changed in place. */
export type QueueState = readonly number[];

/**
 * A FIFO queue holding at most `capacity` items (0 or Infinity: no limit, like maxsize=0).
 * put/putNowait → None, or Full if and only if the queue is full; get/getNowait → the front item,
 * or Empty if and only if the queue is empty. Blocking and non-blocking kinds check alike: a
 * blocking put that returned found room at some instant, which is all linearizability asks.
 */
export function queueModel(capacity: number): Model<QueueState> {
  const limit = capacity > 0 ? capacity : Infinity;
  const stay = (state: QueueState, ok: boolean) => ({ ok, next: state });
  return {
    init: () => [],
    step(state, op) {
      const isPut = op.kind === QueueKind.put || op.kind === QueueKind.putNowait;
      const isGet = op.kind === QueueKind.get || op.kind === QueueKind.getNowait;
      const room = state.length < limit;
      if (isPut) {
        if (op.result === undefined || op.result === QueueResult.none)
          return room ? { ok: true, next: [...state, op.argument] } : stay(state, false);
        return stay(state, op.result === QueueResult.full && !room);
      }
      if (isGet) {
        if (op.result === undefined) return state.length > 0 ? { ok: true, next: state.slice(1) } : stay(state, false);
        if (op.result === QueueResult.empty) return stay(state, state.length === 0);
        return op.result >= 0 && state[0] === op.result ? { ok: true, next: state.slice(1) } : stay(state, false);
      }
      return stay(state, false);
    },
    key: (state) => state.join(","),
    rank: rankPutsByGets,
    describe: describeQueueOperation,
    describeState: (state) => (state.length === 0 ? "the queue empty" : `the queue holding [${state.join(", ")}]`),
  };
}

/**
 * Puts rank by the call of the get that returned their item (items are distinct in a sensible
 * history), so the search tries concurrent puts in the order their items came out: FIFO makes
 * that the only order that can work. Everything else, and a put whose item was never got, ranks
 * by its own call (never-got items after every got one).
 */
function rankPutsByGets(operations: readonly Operation[]): Float64Array {
  const getOf = new Map<number, Operation>();
  for (const op of operations) {
    const isGet = op.kind === QueueKind.get || op.kind === QueueKind.getNowait;
    if (isGet && op.result !== undefined && op.result >= 0 && !getOf.has(op.result)) getOf.set(op.result, op);
  }
  return Float64Array.from(operations, (op) => {
    const isPut = op.kind === QueueKind.put || op.kind === QueueKind.putNowait;
    if (!isPut || op.result === QueueResult.full) return op.calledAt;
    return getOf.get(op.argument)?.calledAt ?? Infinity;
  });
}

export const describeQueueOperation: (operation: Operation) => string = describeWith({
  kinds: ["put", "get", "putNowait", "getNowait"],
  withoutArgument: [QueueKind.get, QueueKind.getNowait],
  results: { [QueueResult.none]: "", [QueueResult.full]: "Full", [QueueResult.empty]: "Empty" },
});

/** A read/write register: the smallest model, for tests and examples. */
export const RegisterKind = { write: 0, read: 1 } as const;
export const RegisterResult = { none } as const;

/** A register holding `initial` at first; write(x) → None, read() → the last value written. */
export function registerModel(initial = 0): Model<number> {
  return {
    init: () => initial,
    step(value, op) {
      if (op.kind === RegisterKind.write)
        return { ok: op.result === undefined || op.result === none, next: op.argument };
      if (op.kind === RegisterKind.read) return { ok: op.result === undefined || op.result === value, next: value };
      return { ok: false, next: value };
    },
    key: String,
    describe: describeWith({ kinds: ["write", "read"], withoutArgument: [RegisterKind.read], results: { [none]: "" } }),
    describeState: (value) => `the register holding ${value}`,
  };
}
