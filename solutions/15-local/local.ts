// Reference: flows on node:async_hooks' AsyncLocalStorage. A flow is one small object (its name and
// its values); storage.run() makes it the current one for fn and for everything fn starts (awaits,
// timers, promise callbacks), and restores the caller's when fn returns, so interleaved flows on one
// event loop never see each other's. A local() is a Proxy whose properties live in the current
// flow, one object per local() per flow, as Python's threading.local keeps one __dict__ per thread.

import { AsyncLocalStorage } from "node:async_hooks";

interface Flow {
  readonly name: string;
  /** Each local()'s properties in this flow, by the local's own key. */
  readonly values: WeakMap<object, Record<string | symbol, unknown>>;
}

const storage = new AsyncLocalStorage<Flow>();

/** The flow of code that runs outside any runFlow(): the thread's own. */
const mainFlow: Flow = { name: "MainThread", values: new WeakMap() };

function current(): Flow {
  return storage.getStore() ?? mainFlow;
}

export function runFlow<R>(name: string, fn: () => R): R {
  // A new flow starts empty, like a new thread: it never shares its caller's values.
  return storage.run({ name, values: new WeakMap() }, fn);
}

export function currentFlowName(): string {
  return current().name;
}

export function local<T extends object>(): Partial<T> {
  const key = {};
  const own = (): Record<string | symbol, unknown> => {
    const { values } = current();
    let properties = values.get(key);
    if (!properties) {
      properties = Object.create(null) as Record<string | symbol, unknown>;
      values.set(key, properties);
    }
    return properties;
  };
  // Every trap works on the current flow's object for this local, never on the proxy's own target.
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
      // The name is read at each call, not when the logger is made: one logger serves every flow.
      const line = `[${currentFlowName()}] ${message}`;
      write(line);
      return line;
    },
  };
}
