// Python's concurrent.futures.Future, asCompleted() and wait(). Read katas/13-executor/README.md
// first. Stage 1 of the kata is the Future alone; asCompleted() and wait() are stage 4.
// The TODOs are yours; the error classes, the constants and the types are ready.

import { NotImplementedError } from "#threadkata/errors.ts";

export class CancelledError extends Error {
  override name = "CancelledError";
}

export class TimeoutError extends Error {
  override name = "TimeoutError";
}

/** A setResult() on a future that is already done, say (Python's InvalidStateError). */
export class InvalidStateError extends Error {
  override name = "InvalidStateError";
}

export const FIRST_COMPLETED = "FIRST_COMPLETED";
export const FIRST_EXCEPTION = "FIRST_EXCEPTION";
export const ALL_COMPLETED = "ALL_COMPLETED";
export type ReturnWhen = typeof FIRST_COMPLETED | typeof FIRST_EXCEPTION | typeof ALL_COMPLETED;

export class Future<T = unknown> implements PromiseLike<T> {
  /** Where an exception thrown by a done callback goes: reported, never thrown into the caller. */
  static reportCallbackError: (error: unknown, future: Future<any>) => void = (error, future) => {
    console.error(`exception calling callback for ${future}`, error);
  };

  // TODO: the state (pending, running, cancelled, finished), the value or the exception, and who
  // waits: the resolvers of result()/exception() promises, and the done callbacks.

  /** Cancels the call if it has not started: true if the future is (now) cancelled. */
  cancel(): boolean {
    // TODO: only a pending future can be cancelled (a cancelled one says true again).
    throw new NotImplementedError("13-executor", "Future.cancel()");
  }

  cancelled(): boolean {
    // TODO
    throw new NotImplementedError("13-executor", "Future.cancelled()");
  }

  running(): boolean {
    // TODO
    throw new NotImplementedError("13-executor", "Future.running()");
  }

  /** Cancelled or finished. */
  done(): boolean {
    // TODO
    throw new NotImplementedError("13-executor", "Future.done()");
  }

  /** The call's value; rejects with its exception, CancelledError, or TimeoutError after `timeout` ms. */
  result(timeout?: number): Promise<T> {
    // TODO: a promise that settles when the future is done (or when the timeout passes first).
    throw new NotImplementedError("13-executor", "Future.result()");
  }

  /** The call's exception (undefined if it returned); rejects with CancelledError or TimeoutError. */
  exception(timeout?: number): Promise<unknown> {
    // TODO
    throw new NotImplementedError("13-executor", "Future.exception()");
  }

  /** Calls fn(this) when the future is done, or at once if it is; in the order they were added. */
  addDoneCallback(fn: (future: Future<T>) => void): void {
    // TODO: an exception thrown by fn goes to Future.reportCallbackError, never to the caller.
    throw new NotImplementedError("13-executor", "Future.addDoneCallback()");
  }

  /** `await future` is `await future.result()`: a Future is awaitable. */
  then<A = T, B = never>(
    onResult?: ((value: T) => A | PromiseLike<A>) | null,
    onError?: ((error: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    // TODO: one line.
    throw new NotImplementedError("13-executor", "Future.then()");
  }

  // For executors (Python: "should only be used by Executor implementations and unit tests").

  /** Marks the future running; false if it was cancelled (then the call must not run). */
  setRunningOrNotifyCancel(): boolean {
    // TODO: pending → running (true); cancelled → false; anything else → InvalidStateError.
    throw new NotImplementedError("13-executor", "Future.setRunningOrNotifyCancel()");
  }

  setResult(value: T): void {
    // TODO: finished, with a value; throws InvalidStateError if already done. Wakes the waiters,
    // then runs the callbacks.
    throw new NotImplementedError("13-executor", "Future.setResult()");
  }

  setException(error: unknown): void {
    // TODO: finished, with an exception.
    throw new NotImplementedError("13-executor", "Future.setException()");
  }

  /** Python's repr: "<Future state=pending>", "state=running", "state=cancelled",
   *  "state=finished returned", "state=finished raised" (reportCallbackError's message uses it). */
  toString(): string {
    // TODO
    throw new NotImplementedError("13-executor", "Future.toString()");
  }
}

/**
 * Yields the futures as they complete (those already done first); a future listed twice, once.
 * Throws TimeoutError if `timeout` ms (counted from this call) pass before all are done.
 */
export function asCompleted<F extends Future<any>>(futures: Iterable<F>, timeout?: number): AsyncIterableIterator<F> {
  // TODO (stage 4). Careful: `yield future` in an async generator awaits the future (it is
  // awaitable) and yields its result instead. Write the iterator object yourself: next() resolves
  // with { value: future, done: false }.
  throw new NotImplementedError("13-executor", "asCompleted()");
}

export interface WaitOptions {
  /** Milliseconds; when they pass, wait() returns what is done so far (it does not throw). */
  timeout?: number;
  returnWhen?: ReturnWhen;
}

/** Waits for the futures (Python's concurrent.futures.wait): resolves with which are done and which not. */
export function wait<F extends Future<any>>(
  futures: Iterable<F>,
  options: WaitOptions = {},
): Promise<{ done: Set<F>; notDone: Set<F> }> {
  // TODO (stage 4): FIRST_COMPLETED, FIRST_EXCEPTION (a future that raised, not one cancelled;
  // with none, it waits for all), ALL_COMPLETED (the default).
  throw new NotImplementedError("13-executor", "wait()");
}
