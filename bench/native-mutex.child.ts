// Runs in a child process started as `node --harmony-struct <this, bundled> <json>`: V8's flags
// are per process, so a worker cannot be given --harmony-struct, but the workers of a process that
// has it share its Atomics.Mutex. Prints { measurements } or { error } as JSON on stdout.

import type { Options } from "./core.ts";
import { measureLockSubject } from "./lock-measure.ts";

interface ChildInput {
  bundleUrl: string;
  options: Options;
}

const Mutex = (Atomics as unknown as { Mutex?: new () => unknown }).Mutex;
try {
  if (!Mutex)
    throw new Error("Atomics.Mutex is not available (this Node does not have it, even with --harmony-struct)");
  const { bundleUrl, options } = JSON.parse(process.argv[2]!) as ChildInput;
  const measurements = await measureLockSubject("Atomics.Mutex", bundleUrl, () => new Mutex(), options);
  process.stdout.write(JSON.stringify({ measurements }));
} catch (error) {
  const e = error as Error;
  process.stdout.write(JSON.stringify({ error: { name: e.name, message: e.message } }));
}
