// The course, in order. The README's kata list, the test summary and the self-check all read this.
// Each kata's entry (title, files, Python idioms, hints, ...) lives in its own folder, katas/NN-slug/kata.ts;
// this file only puts them in order. Adding a kata: `npm run new-kata -- 17-slug "Title"` writes
// katas/17-slug/ (kata.ts included) and its solutions/ twin (a placeholder that passes the self-check),
// adds its line here and regenerates the docs; `npm run new-kata -- --remove 17-slug` undoes it while
// nothing it wrote has changed. See README.md, "Layout, and adding a kata". Changed an entry by hand?
// `npm run docs` rewrites what the READMEs show of it.
//
// The entries are imported from this repository's katas/ always, never from the tree under test
// (THREADKATA_SOURCE, a graded learner's folder): those hold answer files only.

import type { Kata } from "./kata-type.ts";
import racyCounter from "./01-racy-counter/kata.ts";
import lock from "./02-lock/kata.ts";
import rlock from "./03-rlock/kata.ts";
import semaphore from "./04-semaphore/kata.ts";
import event from "./05-event/kata.ts";
import condition from "./06-condition/kata.ts";
import barrier from "./07-barrier/kata.ts";
import queue from "./08-queue/kata.ts";
import pipeline from "./09-pipeline/kata.ts";
import deadlock from "./10-deadlock/kata.ts";
import thread from "./11-thread/kata.ts";
import shutdown from "./12-shutdown/kata.ts";
import executor from "./13-executor/kata.ts";
import eventLoop from "./14-event-loop/kata.ts";
import local from "./15-local/kata.ts";
import rwlock from "./16-rwlock/kata.ts";

export type { Kata } from "./kata-type.ts";

export const catalogue: Kata[] = [
  racyCounter,
  lock,
  rlock,
  semaphore,
  event,
  condition,
  barrier,
  queue,
  pipeline,
  deadlock,
  thread,
  shutdown,
  executor,
  eventLoop,
  local,
  rwlock,
];
