import type { Kata } from "../kata-type.ts";

export default {
  slug: "12-shutdown",
  title: "Daemon threads and graceful shutdown",
  kind: "build",
  files: ["service.ts"],
  python: [
    "threading.Thread(daemon=True)",
    "stop = threading.Event(); while not stop.wait(60): ...",
    "signal.signal(SIGINT / SIGTERM, handler)",
    "join() the non-daemon threads; os._exit(130) on a second Ctrl-C",
  ],
  requires: [],
  hints: [
    "Four facts, one line each: the heartbeat must not keep the program alive; the writers must; the first signal sets the stop event; the second ends the program with 130. Which Node call gives each?",
    "StopEvent is kata 05's Event in three lines: set() stores 1 and then wakes every sleeper (Atomics.notify(memory, 0)); isSet() loads the word; wait(timeout) sleeps in Atomics.wait(memory, 0, 0, remaining) while the word is 0, against a deadline.",
    "A Worker keeps the program alive until it ends, like a non-daemon thread. worker.unref() makes it a daemon: call it on the heartbeat, and never on a writer. Do not wait for the heartbeat: it never ends.",
    'One handler for both signals, installed with process.on("SIGINT", ...) and process.on("SIGTERM", ...) before any thread starts: if the stop event is already set, this is the second signal: process.exit(130); otherwise stop.set().',
    'serve() resolves when every writer has ended: await Promise.all(writers.map((w) => new Promise((ended) => w.once("exit", ended)))). Then return, and nothing more: no process.exit(), which would cut every thread off and lose what sits in their buffers. The program ends by itself once only the daemon is left.',
  ],
} satisfies Kata;
