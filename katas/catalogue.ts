// The course, in order. The README's kata list, the test summary and the self-check all read this.
// Adding a kata: `npm run new-kata -- 17-slug "Title"` writes katas/17-slug/ and its solutions/ twin
// (a placeholder that passes the self-check), appends its entry here and regenerates the docs;
// `npm run new-kata -- --remove 17-slug` undoes it while nothing it wrote has changed. See README.md,
// "Layout, and adding a kata". Changed an entry by hand? `npm run docs` rewrites what the READMEs show of it.

export interface Kata {
  /** Folder name under katas/ and solutions/: NN-slug. */
  slug: string;
  title: string;
  /** "build": the learner writes the stub's functions (fails with NotImplementedError until then).
   *  "fix": the stub is a working-looking program with a bug; it fails with the bug it carries. */
  kind: "build" | "fix";
  /** The files the learner edits, relative to the kata folder; the reference has the same names. */
  files: string[];
  /** The Python idioms the kata mirrors. */
  python: string[];
  /** Katas to solve first (slugs). */
  requires: string[];
  /** Hints from vague to specific: `npm run kata -- hint` and the README show them in this order. */
  hints: string[];
  /** For a "fix" kata: the failures its stub's bug may show (the self-check accepts only these);
   *  default ["ForbiddenOutcome", "RuleBroken"]. A deadlock is ["DeadlineExceeded"]. */
  stubFailsWith?: string[];
  /** Its scenarios are also explored one step at a time before the stress run (harness/strategy/explore/):
   *  true for the katas whose threads share memory and run synchronous code. */
  explore?: boolean;
}

export const catalogue: Kata[] = [
  {
    slug: "01-racy-counter",
    explore: true,
    title: "Fix a racy counter",
    kind: "fix",
    files: ["counter.ts"],
    python: ["counter += 1 in two threading.Thread", "check-then-act (if balance >= amount: balance -= amount)"],
    requires: [],
    hints: [
      "Each Atomics call is atomic on its own. A read, then a write, are two steps: what can another thread do between them?",
      "A lost update: both threads read 41, both write 42. The read and the write must be one indivisible step.",
      "Atomics.add(counter, 0, 1) reads, adds and writes as one step. `counter[0]++` is still three steps.",
      "withdraw() checks, then subtracts: two threads can both pass the check for the last coin. Make the subtraction conditional on the value you checked.",
      "Atomics.compareExchange(balance, 0, seen, seen - amount) subtracts only if the balance is still `seen`; it returns what was there. If that is not `seen`, another thread got in: check again with the new value, in a loop.",
    ],
  },
  {
    slug: "02-lock",
    explore: true,
    title: "Build a Lock",
    kind: "build",
    files: ["lock.ts"],
    python: ["threading.Lock", "with lock:", "lock.acquire(timeout=...)", "lock.acquire(blocking=False)"],
    requires: ["01-racy-counter"],
    hints: [
      "Start with tryAcquire(): one Atomics.compareExchange from 0 (free) to 1 (held) takes the lock only if it was free.",
      "acquire(): while tryAcquire() fails, sleep with Atomics.wait(memory, 0, 1). It returns at once if the word is no longer 1, so a release between your check and your sleep is not missed.",
      "release(): the store that frees the lock comes first, Atomics.notify(memory, 0, 1) second. Wake before the store, and the woken thread finds the lock still held and sleeps again, for ever.",
      "release() of a free lock must throw: Atomics.exchange(memory, 0, 0) frees the lock and tells you, in the same step, whether it was held.",
      "A timeout is a deadline: compute it once (performance.now() + timeout), and each time you wake up, sleep only for what remains. Return false only when no time remains.",
      "To skip the notify when nobody waits, use three states: 0 free, 1 held, 2 held with sleepers (Ulrich Drepper, \"Futexes Are Tricky\"). A waiter sets 2 with Atomics.exchange before it sleeps; release() notifies only if it found 2.",
    ],
  },
{
    slug: "03-rlock",
    explore: true,
    title: "Build an RLock",
    kind: "build",
    files: ["rlock.ts"],
    python: ["threading.RLock", "nested with lock: in one thread", "lock.acquire(timeout=...)", "lock.acquire(blocking=False)"],
    requires: ["02-lock"],
    hints: [
      "A Lock plus two facts that only the owner ever changes: who owns the lock, and how many times it has acquired it. Three words: the lock word, the owner, the count.",
      "Who is calling? threadId from node:worker_threads is 0 on the main thread; store threadId + 1 in the owner word, so that 0 can mean \"nobody\" (the stub calls it `me`).",
      "acquire() and tryAcquire(): if the owner word already holds your id, add one to the count and return true without touching the lock word. Otherwise take the lock word as in kata 02, then write your id and set the count to 1.",
      "Reading the owner word from another thread is safe: only the owner writes its own id there, so if you read your id you really own the lock, and any other value means you do not. release() throws unless the owner word holds your id.",
      "release(): count down, and free the lock only at 0. Clear the owner word before you free the lock word, never after: once the lock word is free the next owner writes its id, and your late 0 would erase it.",
      "The lock word has Drepper's three states (0 free, 1 held, 2 held with sleepers): compareExchange 0→1 to take it; otherwise exchange to 2 and Atomics.wait while it says 2, against a deadline. Release exchanges to 0 and notifies one sleeper if it found 2.",
    ],
  },
  {
    slug: "04-semaphore",
    explore: true,
    title: "Build a Semaphore",
    kind: "build",
    files: ["semaphore.ts"],
    python: ["threading.Semaphore", "threading.BoundedSemaphore", "with semaphore:", "semaphore.release(n)"],
    requires: ["02-lock"],
    hints: [
      "Start with tryAcquire(): a permit is free while memory[0] (the permits in use) is below this.initial. Taking it must be one indivisible step: what happens when two threads both see the last permit free?",
      "tryAcquire() is a compare-exchange loop: read `taken`; while taken < initial, Atomics.compareExchange(memory, 0, taken, taken + 1). If it returns something other than `taken`, another thread got in: try again with what it returned.",
      "acquire(): while tryAcquire() fails, sleep with Atomics.wait(memory, 0, this.initial, remaining). It sleeps only while every permit is in use, so a release between your check and your sleep is not missed. Compute the deadline once (performance.now() + timeout) and return false only when no time remains, even after an early wake-up.",
      "release(n): give the permits back first (Atomics.sub), then Atomics.notify(memory, 0, n). n permits can let n sleepers through; notify(memory, 0, 1) leaves n - 1 of them asleep with permits free.",
      "BoundedSemaphore.release(n): 'would taken - n go below 0?' and the subtraction must be one step. Use a compare-exchange loop again, and throw before it changes anything.",
      "To skip the notify when nobody sleeps, count possible sleepers in memory[1]. A waiter adds 1 before its last tryAcquire() and sleep, and subtracts 1 when it leaves acquire(); release() notifies only if memory[1] > 0. Order matters: the waiter announces itself before it looks, and the releaser gives permits back before it checks for sleepers.",
    ],
  },
  {
    slug: "05-event",
    explore: true,
    title: "Build an Event",
    kind: "build",
    files: ["event.ts"],
    python: ["threading.Event", "event.set() / event.clear() / event.is_set()", "event.wait(timeout=...)", "while not stop.wait(0.5): ..."],
    requires: ["02-lock"],
    hints: [
      "Start with set(), clear() and isSet(): the event is one word, and you choose what its values mean, as long as zero (fresh memory) means \"not set\".",
      "wait(): if the event is not set, sleep with Atomics.wait(memory, 0, <the value you saw>). It returns at once if the word has changed meanwhile, so a set() between your check and your sleep is not missed. Loop: check again after every wake-up.",
      "set(): change the word first, then Atomics.notify(memory, 0) with no count, which wakes every sleeper. A count of 1 is a lock's release, not an event's set().",
      "A timeout is a deadline: compute it once (performance.now() + timeout), and each time you wake up, sleep only for what remains. Return false only when no time remains.",
      "set() then clear() at once: a woken sleeper that runs late finds the flag clear again. If the word only says 0 or 1, it cannot tell that it was set, and sleeps for ever. Make the word remember that something happened.",
      "Count the changes: even means clear, odd means set. set() adds 1 to an even word, clear() adds 1 to an odd word (Atomics.compareExchange in a loop). wait() remembers the even value it saw, sleeps while the word still holds it, and returns true as soon as the word differs.",
    ],
  },
  {
    slug: "06-condition",
    explore: true,
    title: "Build a Condition",
    kind: "build",
    files: ["condition.ts"],
    python: ["threading.Condition(lock)", "with cond: while not ready: cond.wait()", "cond.wait_for(predicate, timeout=...)", "cond.notify(n), cond.notify_all()"],
    requires: ["02-lock", "05-event"],
    hints: [
      "wait() releases the lock and sleeps. The danger is the moment in between: a notify() that comes after the release but before the sleep must not be lost. Whatever notify() changes, the waiter must have read it before it released the lock.",
      "Atomics.wait(memory, i, expected) sleeps only while word i still says `expected`. So pick the word and the value while you hold the lock, release, then sleep on that word and value: a change in between makes the wait return at once.",
      "One shared word that notify() bumps (a sequence number) loses no wakeup, but notify(1) then also releases every waiter that has let go of the lock and not yet fallen asleep: they all see the change. notify(n) must wake at most n. Python gives each waiter a lock of its own; give each waiter a word of its own.",
      "Layout: a FIFO queue of waiter slots (head, length, a ring of slot numbers) and one word per slot (0 free, 1 waiting, 2 notified). Only the thread holding the lock touches the queue. wait(): take a free slot, mark it waiting, append it, release the lock, sleep while the slot says waiting, take the lock back, free the slot. notify(n): take up to n slots from the front, set each to notified and Atomics.notify that word.",
      "Timeouts: a waiter whose time runs out and a notify can reach its slot at the same moment. Let both use Atomics.compareExchange from waiting (to timed-out, or to notified): exactly one wins. A timed-out waiter takes its slot out of the queue once it has the lock back. Check isOwned() first in wait() and notify() and throw without the lock.",
      "waitFor(predicate, timeout): result = predicate(); while (!result) { wait(remaining); result = predicate(); then, with a timeout, recompute what remains of it and stop when nothing does }. Return result.",
    ],
  },
  {
    slug: "07-barrier",
    explore: true,
    title: "Build a Barrier",
    kind: "build",
    files: ["barrier.ts"],
    python: ["threading.Barrier", "Barrier(parties, action=..., timeout=...)", "barrier.abort(), barrier.reset()", "threading.BrokenBarrierError"],
    requires: ["05-event"],
    hints: [
      "Everything lives in one word: how many threads have arrived in this generation, whether the barrier is broken, and which generation it is. Draw the bits first: say the count in bits 0-9, a broken bit at 10, the generation from bit 12 up.",
      "Joining is one compareExchange that adds 1 to the count: the value it replaced gives you both your index (the old count) and your generation. Read the generation after counting yourself in, and the last arriver may already have released everyone: you would sleep on the next generation for ever.",
      "The last to arrive (index parties - 1) runs the action, then one compareExchange to the next generation with a count of 0, then Atomics.notify(memory, 0) to wake them all. Notify after that store, never before.",
      "The others loop: if the generation has moved on, they passed (return the index, even if the barrier broke since); else if it is broken, throw BrokenBarrierError; else Atomics.wait(memory, 0, valueSeen, remaining). Check the generation before the broken bit.",
      "abort() sets the broken bit and notifies. A waiter that leaves broken takes itself off the count. A timeout does both in one compareExchange from the value it last saw, notifies, and throws. A failing action breaks the barrier the same way and rethrows its own error.",
      "reset() with nobody inside clears the flags. With threads inside, it sets broken plus a resetting bit, and the last of them to leave clears both. A wait() that finds the resetting bit, or a full count (the action is still running), sleeps until the word changes, then tries again.",
    ],
  },
  {
    slug: "08-queue",
    explore: true,
    title: "Build a blocking queue",
    kind: "build",
    files: ["queue.ts"],
    python: ["queue.Queue(maxsize)", "q.put(item, timeout=...) / q.get(timeout=...)", "q.put_nowait / q.get_nowait, queue.Full / queue.Empty", "q.task_done(), q.join()"],
    requires: ["06-condition"],
    hints: [
      "Every method has the same frame: this.mutex.acquire(); try { ... } finally { this.mutex.release(); }. Inside, you may read and write the words freely: no one else touches them while you hold the mutex.",
      "get(): while (length === 0) this.notEmpty.wait(); then take the item at HEAD, move HEAD one on (modulo the capacity), take one from LENGTH, and this.notFull.notify(): a putter may be waiting for exactly that slot. put() is the mirror image: the item goes at (HEAD + LENGTH) % capacity, and it notifies notEmpty.",
      "while, not if: a getter woken by notify() still has to get the mutex back, and another getter may take the item first. The ready condition can also wake a thread nobody notified. After every wake-up, look again.",
      "Timeouts: compute a deadline once (performance.now() + timeout). In the while loop, check the state first and the clock second; throw Full or Empty only when no time remains, otherwise wait(remaining). putNowait(item) is put(item, 0); getNowait() is get(0).",
      "taskDone() and join(): put() adds one to UNFINISHED; taskDone() takes one away (throw if it would go below 0) and, when it reaches 0, this.allTasksDone.notifyAll(). join(): while (UNFINISHED > 0) this.allTasksDone.wait(). It is about tasks done, not about the queue being empty: a consumer may still be working on the last item it got.",
    ],
  },
  {
    slug: "09-pipeline",
    title: "Producers, consumers, sentinels",
    kind: "build",
    files: ["pipeline.ts"],
    python: ["threading.Thread(target=producer) / (target=consumer)", "q.put(None) as a sentinel (poison pill)", "while (item := q.get()) is not None: ...", "q.task_done(), q.join()"],
    requires: ["08-queue"],
    hints: [
      "produce() is one loop of put(). consume() is a loop of get() that ends at the SENTINEL; everything else it gets goes to handle().",
      "A consumer must not stop because the queue is empty: that happens whenever the consumers are ahead of the producers. Only a SENTINEL means the work is over, so use the blocking get().",
      "Each consumer stops at the first SENTINEL it gets, and takes no more. How many sentinels does stopConsumers(queue, consumers) have to put so that every consumer gets one?",
      "queue.join() waits until taskDone() has been called once for every item ever put. The sentinels were put too: mark them done as well (a try/finally around the handling of each item does it for every item, sentinels and failures included).",
    ],
  },
  {
    slug: "10-deadlock",
    explore: true,
    title: "Fix a deadlocking bank",
    kind: "fix",
    files: ["bank.ts"],
    python: ["nested with a: with b: (two locks, opposite orders)", "lock ordering by a global key", "lock.acquire(blocking=False) / acquire(timeout=...) with back-off"],
    requires: ["01-racy-counter"],
    stubFailsWith: ["Deadlock", "DeadlineExceeded"],
    hints: [
      "Read the failure's first line: it names the cycle. Each thread holds one account's lock and waits for the lock the other holds. Neither can go on, and neither will let go.",
      "A deadlock needs a cycle in \"who waits for whom\". transfer(0, 1) takes 0 then 1; transfer(1, 0) takes 1 then 0. What if both took the same lock first?",
      "One lock for the whole bank would end the deadlock, and the tests refuse it: transfers between accounts 0 and 1 have nothing to do with 2 and 3, and must run at the same time. Keep one lock per account.",
      "Lock ordering: every thread takes account locks in one global order, the account number, whatever the direction of the money. A thread then only ever waits for a higher number than any lock it holds, so no cycle can close. total() already takes them in that order.",
      "In transfer(), take this.locks[Math.min(from, to)] first and this.locks[Math.max(from, to)] second; move the money from `from` to `to` as before. (The other classic fix: take the first lock, tryAcquire() the second; if that fails, release the first, back off for a random while, and try the whole transfer again. Never return without moving the money.)",
    ],
  },
  {
    slug: "11-thread",
    title: "Build threading.Thread",
    kind: "build",
    files: ["thread.ts"],
    python: ["threading.Thread(target=..., args=..., name=..., daemon=...)", "t.start(), t.join(timeout=...), t.is_alive()", "threading.current_thread(), threading.enumerate(), %(threadName)s", "threading.excepthook"],
    requires: [],
    hints: [
      "Every Python method has a Worker counterpart: start() is startWorker(), ident is worker.threadId, the end of the thread is the Worker's \"exit\" event. Write down which event changes which fact.",
      "join() cannot block (the Worker's events need your event loop), so it returns a Promise. Make one Promise per thread in start(), resolved by \"exit\"; join() returns it, and join(timeout) races it against a setTimeout. isAlive() is started and not yet ended.",
      "enumerate() and currentThread() need a registry in this JavaScript thread: a Set of started Threads that \"exit\" removes, and one Thread describing the current thread (\"MainThread\", ident threadId). In the new thread, bootstrap() builds that one from workerData.",
      "An error in the new thread cannot reach your hook by itself: bootstrap() catches it and posts it to the starting thread (parentPort.postMessage), where the \"message\" listener calls Thread.excepthook. Node delivers a thread's last messages before its \"exit\", so the hook runs before join() resolves. A daemon's worker.unref() comes after the listeners: Node refs a Worker again when its first \"message\" listener is added, and the daemon would keep the program alive.",
      "bootstrap(): try { await target(...args) } catch (error) { post { excType: error.name, error } }. The await matters: an async target fails by rejecting, after bootstrap() has moved on. Listen to the Worker's \"error\" as well (what escapes bootstrap), and send the error's name: a structured clone turns a custom error into a plain Error.",
    ],
  },
  {
    slug: "12-shutdown",
    title: "Daemon threads and graceful shutdown",
    kind: "build",
    files: ["service.ts"],
    python: ["threading.Thread(daemon=True)", "stop = threading.Event(); while not stop.wait(60): ...", "signal.signal(SIGINT / SIGTERM, handler)", "join() the non-daemon threads; os._exit(130) on a second Ctrl-C"],
    requires: [],
    hints: [
      "Four facts, one line each: the heartbeat must not keep the program alive; the writers must; the first signal sets the stop event; the second ends the program with 130. Which Node call gives each?",
      "StopEvent is kata 05's Event in three lines: set() stores 1 and then wakes every sleeper (Atomics.notify(memory, 0)); isSet() loads the word; wait(timeout) sleeps in Atomics.wait(memory, 0, 0, remaining) while the word is 0, against a deadline.",
      "A Worker keeps the program alive until it ends, like a non-daemon thread. worker.unref() makes it a daemon: call it on the heartbeat, and never on a writer. Do not wait for the heartbeat: it never ends.",
      "One handler for both signals, installed with process.on(\"SIGINT\", ...) and process.on(\"SIGTERM\", ...) before any thread starts: if the stop event is already set, this is the second signal: process.exit(130); otherwise stop.set().",
      "serve() resolves when every writer has ended: await Promise.all(writers.map((w) => new Promise((ended) => w.once(\"exit\", ended)))). Then return, and nothing more: no process.exit(), which would cut every thread off and lose what sits in their buffers. The program ends by itself once only the daemon is left.",
    ],
  },
  {
    slug: "13-executor",
    title: "Build a ThreadPoolExecutor",
    kind: "build",
    files: ["future.ts", "executor.ts"],
    python: ["concurrent.futures.ThreadPoolExecutor(max_workers=..., initializer=...)", "executor.submit(fn, *args) -> Future: result(timeout), exception(), cancel(), add_done_callback()", "executor.map(fn, items, timeout=...), as_completed(fs), wait(fs, return_when=...)", "executor.shutdown(wait=..., cancel_futures=...), with ThreadPoolExecutor() as executor:", "loop.run_in_executor(executor, fn) / await a Future"],
    requires: [],
    hints: [
      "Stage 1 (Future): a Future is a little state machine: PENDING, RUNNING, CANCELLED, FINISHED, plus a value or an exception. Write down which call moves it from which state to which, and who must be told when it becomes done.",
      "Stage 1 (Future): result() cannot block, so it returns a Promise. Keep a list of waiters (the resolve functions of pending result()/exception() promises) and a list of callbacks; when the future becomes done, wake every waiter, then call every callback once, in order, each inside try/catch (Future.reportCallbackError). A timeout is a setTimeout that rejects with TimeoutError unless the future got done first; Node counts a timer from the event loop's cached clock, so it can fire a millisecond early: when it fires, look at performance.now() and wait out the rest. then(a, b) is result().then(a, b).",
      "Stage 2 (dispatch): a worker thread lives for many tasks. Its loop, workerMain(), listens on parentPort: each message is { id, key, args }; it runs (await loadTask(key))(...args) and posts back { id, value }. The executor keeps a FIFO queue of { future, key, args } and a list of workers with what each is running; submit() queues, then gives queued work to any idle worker, starting a new worker (startTaskWorker) only while there are fewer than maxWorkers and none is idle. A worker's \"message\" settles the future and gives that worker the next item.",
      "Stage 2 (dispatch): call future.setRunningOrNotifyCancel() when you hand the task to a worker: false means it was cancelled, skip it. That is what makes running() true and cancel() refuse from then on. The initializer runs first in workerMain(), before the loop takes its first task: send its key and initArgs in workerData.",
      "Stage 3 (exceptions): postMessage uses the structured clone: a custom error arrives named \"Error\" without its own fields. In the worker, catch and describe it as data: { name, message, stack, cause (described the same way), props: its own enumerable properties }, or { value } for a thrown non-Error. In the caller, build an Error from it, set name and stack with Object.defineProperty, the cause, and Object.assign the props. A TypeError can come back a TypeError.",
      "Stage 4 (map, asCompleted, wait): map() submits every item at once (before it returns: compute the deadline there), then returns an async generator that yields await futures[i].result(deadline - now), in order, and cancels the rest in a finally. asCompleted(): add a done callback to each pending future that pushes it onto a list and wakes next(); yield the already-done ones first. Do not write asCompleted as an async generator: yield awaits a Future and would yield its result. wait(): check the condition now and in each future's done callback; a timer resolves with what is done so far.",
      "Stage 5 (shutdown, cancel, crashes): shutdown() marks the pool closed (submit throws), cancels the queued futures if cancelFutures, and, once nothing is queued or running, terminates the idle workers; with wait it resolves when the last \"exit\" has been seen. A worker's \"exit\" while it ran a task fails that future with a WorkerDiedError naming the cause (the exit code, or the \"error\" event's message, e.g. ERR_WORKER_OUT_OF_MEMORY); then start another worker for the queue. An initializer that throws: post that back, mark the pool broken and fail every queued future with BrokenThreadPool.",
    ],
  },
  {
    slug: "14-event-loop",
    title: "Don't block the event loop",
    kind: "build",
    files: ["offload.ts"],
    python: ["loop.run_in_executor(pool, heavy, *args)", "asyncio.to_thread(heavy, *args)", "the GIL: threads do not speed up CPU-bound work", "ProcessPoolExecutor(max_workers=...)"],
    requires: [],
    hints: [
      "A Promise does not move work anywhere: new Promise((resolve) => resolve(heavy())) runs heavy() at once, on this thread, and the event loop waits for it. Only another thread (a Worker) takes the work off the loop.",
      "run() is two halves: in this thread, start a worker with startWorker(job, { bootstrap: [import.meta.url, \"bootstrap\"], workerData: { args } }) and return a Promise that its events settle; in the worker, bootstrap(job) calls job(...workerData.args) and posts what happened with parentPort.postMessage.",
      "bootstrap(): try { value = await job(...args) } catch (error) { ... }, then post { ok, value } or { ok: false, error, name: error.name }: the await catches an async job's rejection too, and the name travels apart because a structured clone turns a JobFailed into a plain Error. In run(), listen to \"message\" (the outcome), \"error\" (what escapes bootstrap) and \"exit\" (settle there: the last message comes before it).",
      "The bound: never wait with Atomics.wait here, it would block the loop you are freeing. Count the jobs running; when maxWorkers run, push a resolve function onto a queue and await that Promise. When a job ends, shift the next resolve off the queue and call it (the turn passes straight to it), or, if nobody waits, count one less.",
      "async run(job, ...args) { await this.turn(); try { return await this.inWorker(job, args); } finally { this.done(); } }. turn(): if (this.running < this.maxWorkers) { this.running++; return Promise.resolve(); } return new Promise((r) => this.waiting.push(r)). done(): const next = this.waiting.shift(); if (next) next(); else this.running--.",
    ],
  },
  {
    slug: "15-local",
    title: "Values of your own for each flow",
    kind: "build",
    files: ["local.ts"],
    python: ["threading.local()", "mydata.x = 1 in each thread", "threading.current_thread().name", "logging.basicConfig(format=\"[%(threadName)s] %(message)s\")"],
    requires: [],
    hints: [
      "A module-level variable set at the start of each request works until the first await: while one request waits, another starts and sets it, and the first comes back to the second's value. Whatever you keep must follow each flow through awaits, timers and callbacks, and only AsyncLocalStorage from node:async_hooks does that.",
      "One AsyncLocalStorage for the whole module. runFlow(name, fn) is storage.run(store, fn) with a new store: an object holding the flow's name and its values. storage.run() restores the caller's store when fn returns, even if it throws; storage.enterWith() does not, and leaks the new flow into the caller's code that follows.",
      "currentFlowName(): storage.getStore() is the current flow's store, or undefined outside any flow. Give the code outside any flow a store of its own, a module-level one named \"MainThread\": each thread has its own module, so that one really is per thread.",
      "local() returns a Proxy over an empty object. Its get and set traps read and write the current flow's store, never the target. Each local() needs its own place in each flow: give each local() a key of its own (an empty object will do) and keep, in each flow's store, a Map per key (a WeakMap from key to Map).",
      "A new flow starts empty: make a new store in runFlow(), never reuse the caller's, and never look a flow up by its name (two flows may share a name, as two threads may). For `in`, delete and Object.keys() add the has, deleteProperty, ownKeys and getOwnPropertyDescriptor traps, each on the current flow's Map (a descriptor must say configurable: true).",
      "logger(write) returns { info(message) { const line = `[${currentFlowName()}] ${message}`; write(line); return line; } }. Read the name at each call: the logger is made once, outside any flow, and serves them all.",
    ],
  },
  {
    slug: "16-rwlock",
    explore: true,
    title: "Build a readers-writer lock",
    kind: "build",
    files: ["rwlock.ts"],
    python: ["a readers-writer lock on threading.Condition", "acquire_read() / release_read(), acquire_write() / release_write()", "cond.wait_for(lambda: not writer and not writers_waiting, timeout)", "writer preference: a waiting writer holds back new readers"],
    requires: ["02-lock", "06-condition"],
    hints: [
      "Write down what a thread must know to decide whether it may come in: how many readers are inside, whether a writer is inside, and whether a writer is waiting. A reader may come in only if no writer is inside and none waits; a writer only if nobody at all is inside.",
      "The decision and the entry must be one indivisible step, or two threads both decide the way is clear. Pack the three facts into one word (say readers in bits 0-14, waiting writers in bits 15-29, a writer inside at bit 30): then Atomics.compareExchange(memory, 0, seen, seen + 1) lets a reader in only if the word is still what it decided on. If it returns something else, decide again with what it returned.",
      "Writer preference: acquireWrite() first adds one to the waiting writers (Atomics.add, before it looks), so from that instant every new reader finds the door shut and the readers inside drain away. When nobody is inside, one compareExchange takes it from waiting to inside: minus one waiting writer, plus the writer bit.",
      "Sleeping: Atomics.wait(memory, 0, seen, remaining) on the word itself, with the value you decided on. It returns at once if the word has changed since, so a change between your look and your sleep is never missed; but nothing wakes a sleeper unless someone calls Atomics.notify after a change that may let it in.",
      "Three changes may let someone in, and each must notify: the last reader out while writers wait; the writer leaving (releaseWrite); and the last waiting writer giving up. Readers and writers sleep on the same word, so notify them all: notify(…, 1) may wake a reader, who sleeps again, and leave the writer asleep.",
      "Timeouts: compute the deadline once (performance.now() + timeout); sleep only for what remains, and return false only when nothing does. A writer that gives up must take back its \"waiting\" in the same word (Atomics.sub) and, if it was the last, wake the readers it held back. A reader that gives up has nothing to undo.",
      "releaseRead() must check and count down in one step (a compareExchange loop that throws when the count is 0): a bare Atomics.sub on 0 borrows from the writers' bits. releaseWrite() checks a second word that holds the writer's `me`, clears it before it frees the lock (as in kata 03), then clears the writer bit and notifies everyone.",
    ],
  },
];
