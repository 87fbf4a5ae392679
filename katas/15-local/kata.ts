import type { Kata } from "../kata-type.ts";

export default {
  slug: "15-local",
  title: "Values of your own for each flow",
  kind: "build",
  files: ["local.ts"],
  python: [
    "threading.local()",
    "mydata.x = 1 in each thread",
    "threading.current_thread().name",
    'logging.basicConfig(format="[%(threadName)s] %(message)s")',
  ],
  requires: [],
  hints: [
    "A module-level variable set at the start of each request works until the first await: while one request waits, another starts and sets it, and the first comes back to the second's value. Whatever you keep must follow each flow through awaits, timers and callbacks, and only AsyncLocalStorage from node:async_hooks does that.",
    "One AsyncLocalStorage for the whole module. runFlow(name, fn) is storage.run(store, fn) with a new store: an object holding the flow's name and its values. storage.run() restores the caller's store when fn returns, even if it throws; storage.enterWith() does not, and leaks the new flow into the caller's code that follows.",
    'currentFlowName(): storage.getStore() is the current flow\'s store, or undefined outside any flow. Give the code outside any flow a store of its own, a module-level one named "MainThread": each thread has its own module, so that one really is per thread.',
    "local() returns a Proxy over an empty object. Its get and set traps read and write the current flow's store, never the target. Each local() needs its own place in each flow: give each local() a key of its own (an empty object will do) and keep, in each flow's store, a Map per key (a WeakMap from key to Map).",
    "A new flow starts empty: make a new store in runFlow(), never reuse the caller's, and never look a flow up by its name (two flows may share a name, as two threads may). For `in`, delete and Object.keys() add the has, deleteProperty, ownKeys and getOwnPropertyDescriptor traps, each on the current flow's Map (a descriptor must say configurable: true).",
    "logger(write) returns { info(message) { const line = `[${currentFlowName()}] ${message}`; write(line); return line; } }. Read the name at each call: the logger is made once, outside any flow, and serves them all.",
  ],
} satisfies Kata;
