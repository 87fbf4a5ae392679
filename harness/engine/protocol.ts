// Messages between the conductor (the test's main thread) and the actor runtime in each worker.

import type { Decisions, ExploreBlocks, ExploreOrder } from "../strategy/explore/actor.ts";

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
      /** Set for an explored run: the schedule block its threads share (strategy/explore/layout.ts). */
      explore?: ExploreBlocks;
    }
  | { type: "run"; from: number; count: number }
  | { type: "explore"; order: ExploreOrder };

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

export type ActorMessage =
  { type: "loaded"; run?: undefined } | (RunMessage & { /** The run the message belongs to. */ run: number });

export type RunMessage =
  | {
      type: "ready";
      actors: number;
      repetitions: number | undefined;
      /** Explored runs: names of the shared words the state holds (`balance[0]`), by word index. */
      words?: Array<[number, string]>;
      /** Explored runs: how many schedules the scenario asks for, or false if it cannot be explored. */
      explore?: number | false;
    }
  | {
      type: "explored";
      outcomes: OutcomeCount[];
      /** The schedule (from 0 in the batch) whose outcome was forbidden, or that the scheduler halted. */
      failedAt?: number;
      schedules: number;
      /** Of the last schedule run. */
      steps: number;
      /** Of every schedule of the batch. */
      totalSteps?: number;
      /** When the order asked to collect them: each schedule's decisions. */
      traces?: Decisions[];
      preemptions: number;
      /** Set when the scheduler ended the schedule: strategy/explore/layout.ts Verdict. */
      verdict?: number;
    }
  | {
      type: "batch";
      outcomes: OutcomeCount[];
      /** Repetitions whose actors never ran at the same time (repeatTogether saw no one else move). */
      solo: number;
    }
  | { type: "error"; actor: number; error: SerializedError };
