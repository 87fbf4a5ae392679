// KNOWN RIGHT: the way continuation-local storage was done before AsyncLocalStorage (cls-hooked):
// an async_hooks init hook copies the current flow onto every async resource as it is created
// (a promise, a timer, an immediate), and runFlow() puts the new flow on the running resource for
// the length of fn, then puts the caller's back.

import { createHook, executionAsyncResource } from "node:async_hooks";

interface Flow {
  readonly name: string;
  /** Each local()'s properties in this flow, under the local's own symbol. */
  readonly values: Record<symbol, Record<string | symbol, unknown>>;
}

const FLOW = Symbol("flow");
type Carrier = { [FLOW]?: Flow };

const mainFlow: Flow = { name: "MainThread", values: Object.create(null) };

createHook({
  init(_asyncId, _type, _triggerAsyncId, resource) {
    const flow = (executionAsyncResource() as Carrier)[FLOW];
    if (flow) (resource as Carrier)[FLOW] = flow;
  },
}).enable();

function current(): Flow {
  return (executionAsyncResource() as Carrier)[FLOW] ?? mainFlow;
}

export function runFlow<R>(name: string, fn: () => R): R {
  const running = executionAsyncResource() as Carrier;
  const caller = running[FLOW];
  running[FLOW] = { name, values: Object.create(null) };
  try {
    return fn();
  } finally {
    running[FLOW] = caller;
  }
}

export function currentFlowName(): string {
  return current().name;
}

export function local<T extends object>(): Partial<T> {
  const key = Symbol("local");
  const own = (): Record<string | symbol, unknown> => (current().values[key] ??= Object.create(null));
  return new Proxy({} as Partial<T>, {
    get: (_, property) => Reflect.get(own(), property),
    set: (_, property, value) => Reflect.set(own(), property, value),
    has: (_, property) => Reflect.has(own(), property),
    deleteProperty: (_, property) => Reflect.deleteProperty(own(), property),
    ownKeys: () => Reflect.ownKeys(own()),
    getOwnPropertyDescriptor: (_, property) => Reflect.getOwnPropertyDescriptor(own(), property),
  });
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
