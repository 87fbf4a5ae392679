import type { Kata } from "../kata-type.ts";

export default {
  slug: "13-executor",
  title: "Build a ThreadPoolExecutor",
  kind: "build",
  files: ["future.ts", "executor.ts"],
  python: [
    "concurrent.futures.ThreadPoolExecutor(max_workers=..., initializer=...)",
    "executor.submit(fn, *args) -> Future: result(timeout), exception(), cancel(), add_done_callback()",
    "executor.map(fn, items, timeout=...), as_completed(fs), wait(fs, return_when=...)",
    "executor.shutdown(wait=..., cancel_futures=...), with ThreadPoolExecutor() as executor:",
    "loop.run_in_executor(executor, fn) / await a Future",
  ],
  requires: [],
  hints: [
    "Stage 1 (Future): a Future is a little state machine: PENDING, RUNNING, CANCELLED, FINISHED, plus a value or an exception. Write down which call moves it from which state to which, and who must be told when it becomes done.",
    "Stage 1 (Future): result() cannot block, so it returns a Promise. Keep a list of waiters (the resolve functions of pending result()/exception() promises) and a list of callbacks; when the future becomes done, wake every waiter, then call every callback once, in order, each inside try/catch (Future.reportCallbackError). A timeout is a setTimeout that rejects with TimeoutError unless the future got done first; Node counts a timer from the event loop's cached clock, so it can fire a millisecond early: when it fires, look at performance.now() and wait out the rest. then(a, b) is result().then(a, b).",
    'Stage 2 (dispatch): a worker thread lives for many tasks. Its loop, workerMain(), listens on parentPort: each message is { id, key, args }; it runs (await loadTask(key))(...args) and posts back { id, value }. The executor keeps a FIFO queue of { future, key, args } and a list of workers with what each is running; submit() queues, then gives queued work to any idle worker, starting a new worker (startTaskWorker) only while there are fewer than maxWorkers and none is idle. A worker\'s "message" settles the future and gives that worker the next item.',
    "Stage 2 (dispatch): call future.setRunningOrNotifyCancel() when you hand the task to a worker: false means it was cancelled, skip it. That is what makes running() true and cancel() refuse from then on. The initializer runs first in workerMain(), before the loop takes its first task: send its key and initArgs in workerData.",
    'Stage 3 (exceptions): postMessage uses the structured clone: a custom error arrives named "Error" without its own fields. In the worker, catch and describe it as data: { name, message, stack, cause (described the same way), props: its own enumerable properties }, or { value } for a thrown non-Error. In the caller, build an Error from it, set name and stack with Object.defineProperty, the cause, and Object.assign the props. A TypeError can come back a TypeError.',
    "Stage 4 (map, asCompleted, wait): map() submits every item at once (before it returns: compute the deadline there), then returns an async generator that yields await futures[i].result(deadline - now), in order, and cancels the rest in a finally. asCompleted(): add a done callback to each pending future that pushes it onto a list and wakes next(); yield the already-done ones first. Do not write asCompleted as an async generator: yield awaits a Future and would yield its result. wait(): check the condition now and in each future's done callback; a timer resolves with what is done so far.",
    'Stage 5 (shutdown, cancel, crashes): shutdown() marks the pool closed (submit throws), cancels the queued futures if cancelFutures, and, once nothing is queued or running, terminates the idle workers; with wait it resolves when the last "exit" has been seen. A worker\'s "exit" while it ran a task fails that future with a WorkerDiedError naming the cause (the exit code, or the "error" event\'s message, e.g. ERR_WORKER_OUT_OF_MEMORY); then start another worker for the queue. An initializer that throws: post that back, mark the pool broken and fail every queued future with BrokenThreadPool.',
  ],
} satisfies Kata;
