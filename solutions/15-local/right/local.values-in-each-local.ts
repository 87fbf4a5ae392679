// KNOWN RIGHT: the values live in each local(), not in the flow: the flow is only an identity (an
// object holding its name, made anew by each runFlow()), and each local() keeps a WeakMap from flow
// to that flow's properties. A flow that ends is forgotten with its values.

import { AsyncLocalStorage } from "node:async_hooks";

interface Flow {
  readonly name: string;
}

const flows = new AsyncLocalStorage<Flow>();
const mainFlow: Flow = { name: "MainThread" };

export function runFlow<R>(name: string, fn: () => R): R {
  return flows.run({ name }, fn);
}

export function currentFlowName(): string {
  return (flows.getStore() ?? mainFlow).name;
}

export function local<T extends object>(): Partial<T> {
  const byFlow = new WeakMap<Flow, Map<string | symbol, unknown>>();
  const own = (): Map<string | symbol, unknown> => {
    const flow = flows.getStore() ?? mainFlow;
    let properties = byFlow.get(flow);
    if (!properties) byFlow.set(flow, (properties = new Map()));
    return properties;
  };
  return new Proxy({} as Partial<T>, {
    get: (_, property) => own().get(property),
    set: (_, property, value) => (own().set(property, value), true),
    has: (_, property) => own().has(property),
    deleteProperty: (_, property) => (own().delete(property), true),
    ownKeys: () => [...own().keys()],
    getOwnPropertyDescriptor: (_, property) =>
      own().has(property)
        ? { value: own().get(property), writable: true, enumerable: true, configurable: true }
        : undefined,
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
