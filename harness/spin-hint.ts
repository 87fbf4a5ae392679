// How long a ready lock or condition may spin before it sleeps. A short spin is speed only: it sees
// a change a moment sooner than a sleep and a wake-up would. Under the explore mode, where every
// read is a step the harness schedules, a spin adds nothing: whatever a thread could see while
// spinning, it also sees as a thread that was slow to look and then checked once, which the
// explored schedules cover. So there the spin is cut to nothing, and an explored schedule holds
// only steps that matter: the scheduler would follow the spin (it lets a spin that counts its reads
// run with the clock standing still), at 2000 steps a wait. The explore mode sets the flag for the
// run (world.ts).
//
//   for (let spin = 0; spin < spinsBeforeSleep(2000) && !changed(); spin++);

export const exploringKey = Symbol.for("threadkata.exploring");

/** `wanted` spins, or none while the explore mode schedules this thread's every step. */
export function spinsBeforeSleep(wanted: number): number {
  return (globalThis as Record<symbol, unknown>)[exploringKey] === true ? 0 : wanted;
}
