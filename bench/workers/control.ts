// What every measuring worker shares: a control block (a start line and a stop flag), a clock that
// all threads read alike, and busy work the compiler cannot remove.

/** Words of the control block; each group on its own 64-byte line. */
export const READY = 0;
export const GO = 16;
export const STOP = 32;
export const CONTROL_WORDS = 48;

export function controlBlock(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(CONTROL_WORDS * 4));
}

/** Nanoseconds on the process's monotonic clock: the same clock in every thread. */
export function now(): number {
  return Number(process.hrtime.bigint());
}

/** Arrive at the start line and sleep until the main thread says go. */
export function startLine(control: Int32Array): void {
  Atomics.add(control, READY, 1);
  while (Atomics.load(control, GO) === 0) Atomics.wait(control, GO, 0);
}

export function stopAll(control: Int32Array): void {
  Atomics.store(control, STOP, 1);
}

export function stopped(control: Int32Array): boolean {
  return Atomics.load(control, STOP) !== 0;
}

let sink = 0;

/** About `iterations` steps of work that touch no shared memory. */
export function busy(iterations: number): void {
  let x = sink;
  for (let i = 0; i < iterations; i++) x = (Math.imul(x, 31) + i) | 0;
  sink = x;
}

/** What a timed worker reports: its operations, and when (ns, `now()`) it started and ended. */
export interface Timed {
  ops: number;
  start: number;
  end: number;
}

/** Sleeps the calling worker for `ms` milliseconds. */
export function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
