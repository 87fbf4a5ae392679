// KNOWN WRONG: a local() that is local to the thread, not to the flow: a plain object made at module level,
// since each worker has its own modules. Every flow on the thread's event loop shares it.
// The suite must catch the flows of one thread reading each other's values.
// Each worker thread loads its own copy of this module, so a module-level object is already
// per thread, as Python's threading.local is. (But not per flow: that is the bug.)

import { AsyncLocalStorage } from "node:async_hooks";

const names = new AsyncLocalStorage<string>();

export function runFlow<R>(name: string, fn: () => R): R {
  return names.run(name, fn);
}

export function currentFlowName(): string {
  return names.getStore() ?? "MainThread";
}

export function local<T extends object>(): Partial<T> {
  return {} as Partial<T>;
}

export interface Logger {
  info(message: string): string;
}

export function logger(write: (line: string) => void = console.log): Logger {
  return {
    info(message) {
      const line = `[${currentFlowName()}] ${message}`;
      write(line);
      return line;
    },
  };
}
