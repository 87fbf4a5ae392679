// Kata 15: values of your own for each flow of work (Python's threading.local), and a logger that
// stamps each line with the flow's name (Python's %(threadName)s), on node:async_hooks.
// Read katas/15-local/README.md first; the hints there get more specific one by one.

import { NotImplementedError } from "#threadkata/errors.ts";

/**
 * Runs `fn` as a new flow of work named `name`, and returns what `fn` returns (a promise, if fn is
 * async). Everything fn starts (awaits, timers, promise callbacks, nested calls) belongs to the
 * flow. The flow starts with no values, even when started from inside another flow, and the
 * caller's flow is the current one again as soon as runFlow() returns.
 */
export function runFlow<R>(name: string, fn: () => R): R {
  // TODO: one AsyncLocalStorage (from node:async_hooks) for the module; a new store for each flow.
  throw new NotImplementedError("15-local", "runFlow()");
}

/** The current flow's name (Python: threading.current_thread().name); "MainThread" outside any flow. */
export function currentFlowName(): string {
  // TODO
  throw new NotImplementedError("15-local", "currentFlowName()");
}

/**
 * Python's threading.local(): an object whose properties each flow sees on its own. A flow starts
 * with none; code outside any flow has its own too. `in`, `delete` and Object.keys() see only the
 * current flow's properties. Two local() objects never share properties.
 */
export function local<T extends object>(): Partial<T> {
  // TODO: a Proxy whose traps read and write the current flow's properties of this local.
  throw new NotImplementedError("15-local", "local()");
}

export interface Logger {
  /** Writes "[<current flow's name>] <message>" and returns that line. */
  info(message: string): string;
}

/** A logger that writes each line with `write` (console.log by default), stamped with the flow it was written in. */
export function logger(write: (line: string) => void = console.log): Logger {
  // TODO
  throw new NotImplementedError("15-local", "logger()");
}
