import type { Kata } from "../kata-type.ts";

export default {
  slug: "11-thread",
  title: "Build threading.Thread",
  kind: "build",
  files: ["thread.ts"],
  python: [
    "threading.Thread(target=..., args=..., name=..., daemon=...)",
    "t.start(), t.join(timeout=...), t.is_alive()",
    "threading.current_thread(), threading.enumerate(), %(threadName)s",
    "threading.excepthook",
  ],
  requires: [],
  hints: [
    'Every Python method has a Worker counterpart: start() is startWorker(), ident is worker.threadId, the end of the thread is the Worker\'s "exit" event. Write down which event changes which fact.',
    'join() cannot block (the Worker\'s events need your event loop), so it returns a Promise. Make one Promise per thread in start(), resolved by "exit"; join() returns it, and join(timeout) races it against a setTimeout. isAlive() is started and not yet ended.',
    'enumerate() and currentThread() need a registry in this JavaScript thread: a Set of started Threads that "exit" removes, and one Thread describing the current thread ("MainThread", ident threadId). In the new thread, bootstrap() builds that one from workerData.',
    'An error in the new thread cannot reach your hook by itself: bootstrap() catches it and posts it to the starting thread (parentPort.postMessage), where the "message" listener calls Thread.excepthook. Node delivers a thread\'s last messages before its "exit", so the hook runs before join() resolves. A daemon\'s worker.unref() comes after the listeners: Node refs a Worker again when its first "message" listener is added, and the daemon would keep the program alive.',
    "bootstrap(): try { await target(...args) } catch (error) { post { excType: error.name, error } }. The await matters: an async target fails by rejecting, after bootstrap() has moved on. Listen to the Worker's \"error\" as well (what escapes bootstrap), and send the error's name: a structured clone turns a custom error into a plain Error.",
  ],
} satisfies Kata;
