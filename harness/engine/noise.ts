// Seeded randomness for the parts of a run the harness chooses: pauses injected into scenarios and
// around Atomics calls. The threads' own timing is never reproducible; these choices are, from the
// seed printed in every failure (THREADKATA_SEED=... re-runs with it).

/** The real clock, taken before an explored run can make performance.now() virtual. */
const harnessClock = performance.now.bind(performance);

/** Mixes a test seed with a repetition and an actor into one 32-bit seed (murmur3's finaliser). */
export function mix(seed: number, repetition: number, actor: number): number {
  let h = (seed ^ Math.imul(repetition + 1, 0x9e3779b1) ^ Math.imul(actor + 1, 0x85ebca77)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

export class Noise {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** mulberry32: small, fast and good enough to vary interleavings. */
  random(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Busy-waits a random time up to `maxMicros`: long enough for another core to act. */
  spin(maxMicros: number): void {
    const until = harnessClock() + (this.random() * maxMicros) / 1000;
    while (harnessClock() < until) {
      // spinning on purpose: a sleep would hand the core away and change what we are testing
    }
  }

  /**
   * Sometimes lingers around an Atomics.wait or Atomics.notify for about the time a woken thread
   * needs to run, so a wrong order (notify before store, check then sleep) loses its wakeup in
   * every run instead of once in a while.
   */
  maybeLinger(): void {
    if (this.random() < 0.25) this.spin(60);
  }
}
