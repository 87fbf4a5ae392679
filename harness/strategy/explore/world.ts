// What the code under test sees in an explored run: every Atomics call, and every read and write of
// an element of a typed array over the scenario's shared memory, becomes a step the scheduler
// (scheduler.ts) hands out one at a time; performance.now() and Date.now() read the virtual clock.
//
// Views of the shared memory are Proxies: the typed-array constructors are replaced while an
// explored run is set up, so a view the code makes itself (`new Int32Array(lock.memory.buffer)`) is
// one too. A Proxy keeps `instanceof Int32Array`; the Atomics put in place here unwrap it. Outside a
// schedule (setting up, resetting, judging) every access goes straight through.

import { exploringKey } from "../../spin-hint.ts";
import { Op, methodNames, wordOf } from "./layout.ts";

/** The shared memory a run explores, and what takes a step: set by the scheduler for a run. */
export interface Stepper {
  memory: SharedArrayBuffer;
  /** Whether this thread is inside its part of a schedule right now. */
  active(): boolean;
  /** Takes one step: waits for the turn, performs it, records it; returns what it returned. */
  step<T>(op: Op, word: number, perform: () => T, describe: (result: T) => [value: number, extra: number]): T;
  /** Atomics.wait, modelled: parks the thread until a notify or its timeout. */
  wait(
    view: Int32Array | BigInt64Array,
    index: number,
    value: number | bigint,
    timeout: number | undefined,
  ): "ok" | "not-equal" | "timed-out";
  notify(view: Int32Array | BigInt64Array, index: number, count: number | undefined): number;
  /** The virtual clock in milliseconds. */
  now(): number;
  /** Lets `ms` of virtual time pass (a timed wait on memory no other thread shares). */
  sleep(ms: number): void;
}

type View =
  | Int8Array
  | Uint8Array
  | Uint8ClampedArray
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | Float32Array
  | Float64Array
  | BigInt64Array
  | BigUint64Array;
type ViewConstructor = new (...args: any[]) => View;

const viewConstructors = [
  "Int8Array",
  "Uint8Array",
  "Uint8ClampedArray",
  "Int16Array",
  "Uint16Array",
  "Int32Array",
  "Uint32Array",
  "Float32Array",
  "Float64Array",
  "BigInt64Array",
  "BigUint64Array",
] as const;

const global = globalThis as unknown as Record<string, unknown>;
const real = Object.fromEntries(viewConstructors.map((name) => [name, global[name] as ViewConstructor]));
const realAtomics = {
  ...Object.fromEntries(Object.getOwnPropertyNames(Atomics).map((name) => [name, (Atomics as any)[name]])),
} as Record<string, any>;
const realPerformanceNow = performance.now.bind(performance);
const realDateNow = Date.now;

/** Proxy → the view it stands for. */
const targets = new WeakMap<object, View>();
/** View → its Proxy, so that the same view always gets the same Proxy. */
const proxies = new WeakMap<View, View>();

let stepper: Stepper | undefined;
/** What was in place before this world was: the stress mode's Atomics (actor-runtime.ts). */
let saved: { atomics: Record<string, unknown> } | undefined;

/** The view itself, for a Proxy of one; anything else as it is. */
export function unwrap<T>(value: T): T {
  return ((typeof value === "object" && value !== null && targets.get(value)) || value) as T;
}

function isCanonicalIndex(key: string | symbol): key is string {
  if (typeof key !== "string" || key.length === 0) return false;
  const first = key.charCodeAt(0);
  return first >= 48 && first <= 57 && String(Number(key) >>> 0) === key;
}

/** Methods that write elements: one step each, as a write of the view's first word. */
const writingMethods = new Set(["fill", "set", "copyWithin", "reverse", "sort"]);

function shared(view: View): View {
  let proxy = proxies.get(view);
  if (proxy) return proxy;
  const methods = new Map<string | symbol, unknown>();
  proxy = new Proxy(view, {
    get(target, key) {
      if (isCanonicalIndex(key)) {
        const index = Number(key);
        if (!stepper?.active()) return (target as any)[index];
        const word = wordOf(target, index);
        return stepper.step(
          Op.read,
          word,
          () => (target as any)[index],
          (value) => [Number(value), 0],
        );
      }
      const value = Reflect.get(target, key, target);
      if (typeof value !== "function") return value;
      let method = methods.get(key);
      if (!method) {
        const name = String(key);
        method = function (this: unknown, ...args: unknown[]) {
          const call = () => {
            const result = (value as (...a: unknown[]) => unknown).apply(target, args.map(unwrap));
            return isView(result) && result.buffer === target.buffer ? shared(result) : result;
          };
          if (!stepper?.active() || typeof key === "symbol") return call();
          const op = writingMethods.has(name) ? Op.write : Op.call;
          return stepper.step(op, wordOf(target, 0), call, () => [methodCode(name), 0]);
        };
        methods.set(key, method);
      }
      return method;
    },
    set(target, key, value) {
      if (isCanonicalIndex(key)) {
        const index = Number(key);
        if (!stepper?.active()) {
          (target as any)[index] = value;
          return true;
        }
        stepper.step(
          Op.write,
          wordOf(target, index),
          () => ((target as any)[index] = value),
          () => [Number(value), 0],
        );
        return true;
      }
      return Reflect.set(target, key, value, target);
    },
  });
  targets.set(proxy, view);
  proxies.set(view, proxy);
  return proxy;
}

function methodCode(name: string): number {
  return methodNames.indexOf(name);
}

function isView(value: unknown): value is View {
  return ArrayBuffer.isView(value) && !(value instanceof DataView);
}

function sharedView(name: string): ViewConstructor {
  const constructor = real[name]!;
  return new Proxy(constructor, {
    construct(target, args, newTarget) {
      const view = Reflect.construct(target, args, newTarget === sharedConstructors[name] ? target : newTarget) as View;
      return stepper && view.buffer === stepper.memory ? shared(view) : view;
    },
  });
}
const sharedConstructors: Record<string, ViewConstructor> = {};

/** Views of the shared memory made before the world was put in place are stepped too. */
export function sharedViewOf<T>(value: T): T {
  return (isView(value) && stepper && value.buffer === stepper.memory ? shared(value) : value) as T;
}

function explored(typedArray: unknown, index: unknown): { view: View; word: number } | undefined {
  const view = unwrap(typedArray);
  if (!stepper?.active() || !isView(view) || view.buffer !== stepper.memory) return undefined;
  const at = Number(index);
  return { view, word: wordOf(view, Number.isInteger(at) ? at : 0) };
}

function atomics(): Record<string, unknown> {
  const updates = ["add", "sub", "and", "or", "xor", "exchange"] as const;
  const replaced: Record<string, unknown> = {};
  for (const name of updates) {
    replaced[name] = (typedArray: View, index: number, value: number) => {
      const where = explored(typedArray, index);
      const view = unwrap(typedArray);
      if (!where) return realAtomics[name](view, index, value);
      return stepper!.step(
        Op[name],
        where.word,
        () => realAtomics[name](view, index, value),
        (old) => [Number(old), Number(realAtomics.load(view, index))],
      );
    };
  }
  replaced.load = (typedArray: View, index: number) => {
    const where = explored(typedArray, index);
    const view = unwrap(typedArray);
    if (!where) return realAtomics.load(view, index);
    return stepper!.step(
      Op.load,
      where.word,
      () => realAtomics.load(view, index),
      (value) => [Number(value), 0],
    );
  };
  replaced.store = (typedArray: View, index: number, value: number) => {
    const where = explored(typedArray, index);
    const view = unwrap(typedArray);
    if (!where) return realAtomics.store(view, index, value);
    return stepper!.step(
      Op.store,
      where.word,
      () => realAtomics.store(view, index, value),
      (stored) => [Number(stored), 0],
    );
  };
  replaced.compareExchange = (typedArray: View, index: number, expected: number, replacement: number) => {
    const where = explored(typedArray, index);
    const view = unwrap(typedArray);
    if (!where) return realAtomics.compareExchange(view, index, expected, replacement);
    return stepper!.step(
      Op.compareExchange,
      where.word,
      () => realAtomics.compareExchange(view, index, expected, replacement),
      (seen) => [Number(seen), Number(realAtomics.load(view, index))],
    );
  };
  replaced.wait = (typedArray: Int32Array, index: number, value: number, timeout?: number) => {
    const where = explored(typedArray, index);
    const ms = timeout === undefined ? Infinity : Number(timeout);
    // A timed wait on memory no other thread shares (a Condition's own, say): only its timeout can
    // end it, so in virtual time it sleeps that long at once.
    if (
      !where &&
      stepper?.active() &&
      ms > 0 &&
      ms < Infinity &&
      realAtomics.load(unwrap(typedArray), index) === (Number(value) | 0)
    ) {
      stepper.sleep(ms);
      return "timed-out";
    }
    if (!where) return (saved!.atomics.wait as typeof Atomics.wait)(unwrap(typedArray), index, value, timeout);
    return stepper!.wait(unwrap(typedArray), index, value, timeout);
  };
  replaced.notify = (typedArray: Int32Array, index: number, count?: number) => {
    const where = explored(typedArray, index);
    if (!where) return (saved!.atomics.notify as typeof Atomics.notify)(unwrap(typedArray), index, count);
    return stepper!.notify(unwrap(typedArray), index, count);
  };
  // Not a step: these only read what cannot change (or, waitAsync, wait in another way).
  for (const name of ["isLockFree", "waitAsync", "pause"]) {
    if (name in realAtomics) replaced[name] = (...args: unknown[]) => realAtomics[name](...args.map(unwrap));
  }
  return replaced;
}

/** Puts the explored world in place in this thread: views, Atomics and clocks all go through `by`. */
export function enterWorld(by: Stepper): void {
  if (saved) leaveWorld();
  stepper = by;
  saved = {
    atomics: Object.fromEntries(Object.getOwnPropertyNames(Atomics).map((name) => [name, (Atomics as any)[name]])),
  };
  for (const name of viewConstructors) {
    sharedConstructors[name] ??= sharedView(name);
    global[name] = sharedConstructors[name];
  }
  Object.assign(Atomics, atomics());
  // The harness's own code keeps the real clocks it took when it loaded (harnessNow).
  performance.now = () => by.now();
  Date.now = () => Math.floor(by.now()) + virtualEpoch;
  (globalThis as Record<symbol, unknown>)[exploringKey] = true;
}

/** Back to the real world (the stress mode's): real constructors, the Atomics that were there, real clocks. */
export function leaveWorld(): void {
  if (!saved) return;
  for (const name of viewConstructors) global[name] = real[name];
  Object.assign(Atomics, saved.atomics);
  performance.now = realPerformanceNow;
  Date.now = realDateNow;
  delete (globalThis as Record<symbol, unknown>)[exploringKey];
  saved = undefined;
  stepper = undefined;
}

/** Date.now() in an explored schedule: a fixed day, so that a replay sees the same times. */
const virtualEpoch = Date.UTC(2026, 0, 1);

/** The harness's own clock, never virtual. */
export const harnessNow = realPerformanceNow;
/** The harness's own waits, never stepped. */
export const harnessWait = realAtomics.wait as typeof Atomics.wait;
export const harnessNotify = realAtomics.notify as typeof Atomics.notify;
