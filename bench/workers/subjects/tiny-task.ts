// The executor benchmark's task: as small as a task gets, so the figure is the pool's own cost.
export function plusOne(n: number): number {
  return n + 1;
}
