/** Thrown in a thread whose run another thread (or the conductor) has given up: nothing to report. */
export class Aborted extends Error {}
