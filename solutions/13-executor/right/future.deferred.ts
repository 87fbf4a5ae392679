// KNOWN RIGHT: a Future over one native Promise, made with it (a "deferred"): setResult(),
// setException() and cancel() settle that promise, result() hands it out (raced against a timer
// when there is a timeout), and the state beside it answers done(), running() and cancelled() at
// once. asCompleted() is an iterator over a queue of futures that done callbacks fill; wait()
// counts what is done in each callback.

export class CancelledError extends Error {
  override name = "CancelledError";
}

export class TimeoutError extends Error {
  override name = "TimeoutError";
}

export class InvalidStateError extends Error {
  override name = "InvalidStateError";
}

export const FIRST_COMPLETED = "FIRST_COMPLETED";
export const FIRST_EXCEPTION = "FIRST_EXCEPTION";
export const ALL_COMPLETED = "ALL_COMPLETED";
export type ReturnWhen = typeof FIRST_COMPLETED | typeof FIRST_EXCEPTION | typeof ALL_COMPLETED;

/** A future's states, in order: from `cancelled` on, it is done. */
const State = { pending: 0, running: 1, cancelled: 2, returned: 3, raised: 4 } as const;
type State = (typeof State)[keyof typeof State];
const stateNames = ["pending", "running", "cancelled", "returned", "raised"] as const;
/** As Python's repr says them. */
const reprNames = ["pending", "running", "cancelled", "finished returned", "finished raised"] as const;

/** The state of any future, for wait(FIRST_EXCEPTION) (the field is private to the class). */
let stateOf: (future: Future<any>) => State;

export class Future<T = unknown> implements PromiseLike<T> {
  static reportCallbackError: (error: unknown, future: Future<any>) => void = (error, future) => {
    console.error(`exception calling callback for ${future}`, error);
  };

  #state: State = State.pending;
  #error: unknown;
  #resolve!: (value: T) => void;
  #reject!: (error: unknown) => void;
  readonly #outcome = new Promise<T>((resolve, reject) => {
    this.#resolve = resolve;
    this.#reject = reject;
  });
  #callbacks: ((future: Future<T>) => void)[] = [];

  static {
    stateOf = (future) => future.#state;
  }

  constructor() {
    // Nobody may ever ask for the outcome: its rejection is not an unhandled one.
    this.#outcome.catch(() => {});
  }

  cancel(): boolean {
    if (this.#state === State.cancelled) return true;
    if (this.#state !== State.pending) return false;
    this.#state = State.cancelled;
    this.#reject(new CancelledError("the future was cancelled"));
    this.#runCallbacks();
    return true;
  }

  cancelled(): boolean {
    return this.#state === State.cancelled;
  }

  running(): boolean {
    return this.#state === State.running;
  }

  done(): boolean {
    return this.#state >= State.cancelled;
  }

  result(timeout?: number): Promise<T> {
    if (timeout === undefined || this.done()) return this.#outcome.then((value) => value);
    const deadline = performance.now() + timeout;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const expired = new Promise<never>((_, reject) => {
      const check = () => {
        const left = deadline - performance.now();
        if (left > 0) timer = setTimeout(check, Math.ceil(left));
        else reject(new TimeoutError(`the future was not done within ${timeout} ms`));
      };
      check();
    });
    return Promise.race([this.#outcome, expired]).finally(() => clearTimeout(timer));
  }

  async exception(timeout?: number): Promise<unknown> {
    try {
      await this.result(timeout);
      return undefined;
    } catch (error) {
      if (this.#state === State.raised && error === this.#error) return error;
      throw error;
    }
  }

  addDoneCallback(fn: (future: Future<T>) => void): void {
    if (this.done()) this.#call(fn);
    else this.#callbacks.push(fn);
  }

  then<A = T, B = never>(
    onResult?: ((value: T) => A | PromiseLike<A>) | null,
    onError?: ((error: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    return this.result().then(onResult, onError);
  }

  setRunningOrNotifyCancel(): boolean {
    if (this.#state === State.cancelled) return false;
    if (this.#state !== State.pending)
      throw new InvalidStateError(`the future is ${stateNames[this.#state]}, not pending`);
    this.#state = State.running;
    return true;
  }

  setResult(value: T): void {
    this.#mustNotBeDone();
    this.#state = State.returned;
    this.#resolve(value);
    this.#runCallbacks();
  }

  setException(error: unknown): void {
    this.#mustNotBeDone();
    this.#state = State.raised;
    this.#error = error;
    this.#reject(error);
    this.#runCallbacks();
  }

  toString(): string {
    return `<Future state=${reprNames[this.#state]}>`;
  }

  #mustNotBeDone(): void {
    if (this.done()) throw new InvalidStateError(`the future is already ${stateNames[this.#state]}`);
  }

  #runCallbacks(): void {
    const callbacks = this.#callbacks;
    this.#callbacks = [];
    for (const fn of callbacks) this.#call(fn);
  }

  #call(fn: (future: Future<T>) => void): void {
    try {
      fn(this);
    } catch (error) {
      Future.reportCallbackError(error, this);
    }
  }
}

export function asCompleted<F extends Future<any>>(futures: Iterable<F>, timeout?: number): AsyncIterableIterator<F> {
  const deadline = timeout === undefined ? Infinity : performance.now() + timeout;
  const unique = [...new Set(futures)];
  const ready = unique.filter((future) => future.done());
  let left = unique.length - ready.length;
  let wake: (() => void) | undefined;
  for (const future of unique) {
    if (future.done()) continue;
    future.addDoneCallback(() => {
      ready.push(future);
      left--;
      wake?.();
    });
  }
  const iterator: AsyncIterableIterator<F> = {
    async next(): Promise<IteratorResult<F>> {
      while (ready.length === 0) {
        if (left === 0) return { value: undefined, done: true };
        const remaining = deadline - performance.now();
        if (remaining <= 0) throw new TimeoutError(`${left} (of ${unique.length}) futures unfinished`);
        let timer: ReturnType<typeof setTimeout> | undefined;
        await new Promise<void>((resolve) => {
          wake = resolve;
          if (remaining !== Infinity) timer = setTimeout(resolve, Math.ceil(remaining));
        });
        clearTimeout(timer);
        wake = undefined;
      }
      return { value: ready.shift()!, done: false };
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}

export interface WaitOptions {
  timeout?: number;
  returnWhen?: ReturnWhen;
}

export function wait<F extends Future<any>>(
  futures: Iterable<F>,
  options: WaitOptions = {},
): Promise<{ done: Set<F>; notDone: Set<F> }> {
  const { timeout, returnWhen = ALL_COMPLETED } = options;
  const all = new Set(futures);
  const split = () => {
    const done = new Set<F>();
    const notDone = new Set<F>();
    for (const future of all) (future.done() ? done : notDone).add(future);
    return { done, notDone };
  };
  const enough = () => {
    const { done, notDone } = split();
    if (notDone.size === 0) return true;
    if (returnWhen === FIRST_COMPLETED) return done.size > 0;
    if (returnWhen === FIRST_EXCEPTION) return [...done].some((future) => stateOf(future) === State.raised);
    return false;
  };
  return new Promise((resolve) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let over = false;
    const finish = () => {
      if (over) return;
      over = true;
      clearTimeout(timer);
      resolve(split());
    };
    if (enough()) return finish();
    if (timeout !== undefined) {
      const deadline = performance.now() + timeout;
      const check = () => {
        const left = deadline - performance.now();
        if (left > 0) timer = setTimeout(check, Math.ceil(left));
        else finish();
      };
      check();
    }
    for (const future of all) future.addDoneCallback(() => enough() && finish());
  });
}
