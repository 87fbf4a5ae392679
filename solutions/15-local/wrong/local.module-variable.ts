// KNOWN WRONG: the classic: a module-level variable set at the start of each request. It holds until the
// first await; then another request sets it, and the first one comes back to the other's values.
// The suite must catch a value crossing from one flow to another.
// A flow is whatever the module-level variable says: each request sets it when it starts.

interface Flow {
  readonly name: string;
  readonly values: WeakMap<object, Map<string | symbol, unknown>>;
}

const mainFlow: Flow = { name: "MainThread", values: new WeakMap() };
let current: Flow = mainFlow;

export function runFlow<R>(name: string, fn: () => R): R {
  const caller = current;
  current = { name, values: new WeakMap() };
  try {
    return fn();
  } finally {
    current = caller;
  }
}

export function currentFlowName(): string {
  return current.name;
}

export function local<T extends object>(): Partial<T> {
  const key = {};
  const own = (): Map<string | symbol, unknown> => {
    let properties = current.values.get(key);
    if (!properties) current.values.set(key, (properties = new Map()));
    return properties;
  };
  return new Proxy({} as Partial<T>, {
    get: (_, property) => own().get(property),
    set: (_, property, value) => (own().set(property, value), true),
    has: (_, property) => own().has(property),
    deleteProperty: (_, property) => (own().delete(property), true),
    ownKeys: () => [...own().keys()],
    getOwnPropertyDescriptor: (_, property) => {
      const properties = own();
      if (!properties.has(property)) return undefined;
      return { value: properties.get(property), writable: true, enumerable: true, configurable: true };
    },
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
