// Messages between the conductor (the test's main thread) and the actor runtime in each worker.

export type ConductorMessage =
  | {
      type: "setup";
      file: string;
      scenario: string;
      params: unknown;
      memory: SharedArrayBuffer;
      control: SharedArrayBuffer;
      labels: SharedArrayBuffer;
      actor: number;
      seed: number;
      /** Which run (test) this setup starts; the thread's messages carry it back. */
      run: number;
    }
  | { type: "run"; from: number; count: number };

export interface SerializedError {
  name: string;
  message: string;
  stack: string;
  /** A rule of the kata was broken (RuleBroken or node:assert), as opposed to an exception. */
  rule: boolean;
}

export interface OutcomeCount {
  key: string;
  count: number;
  forbidden?: string;
  firstRepetition: number;
}

export type ActorMessage = { type: "loaded"; run?: undefined } | (RunMessage & { /** The run the message belongs to. */ run: number });

export type RunMessage =
  | { type: "ready"; actors: number; repetitions: number | undefined }
  | {
      type: "batch";
      outcomes: OutcomeCount[];
      /** Repetitions whose actors never ran at the same time (repeatTogether saw no one else move). */
      solo: number;
    }
  | { type: "error"; actor: number; error: SerializedError };
