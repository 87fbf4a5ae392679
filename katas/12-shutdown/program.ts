// The service's program, around your serve() (ready-made: read it, do not change it). The tests run it
// as a real child process: `node program.mjs '{"writers":2,...}'` (bundled from this file), send it
// real signals and read what it prints. One file plays every part: on the main thread it calls
// serve(); started as a Worker (by startHeartbeat or startWriter) it runs the heartbeat or a writer.
//
// What it prints, one line each, as things happen (the tests await these lines, in order):
//   heartbeat started            the daemon heartbeat is running (it beats for ever); the writers wait for it
//   accepted w0-3                writer w0 has record w0-3 in hand: from now on it must reach the file
//   w0-2 half written            (when the test holds the disk) half the record is on disk, the rest waits
//   w0-2 stop seen               ... and the writer has seen the stop event set
//   w0 idle                      writer w0 has written its records and waits for more, in stop.wait(idleMs)
//   asleep: w0 w1                (asked for by the test) writers w0 and w1 both sleep in Atomics.wait on the stop event
//   w0 done                      writer w0 has finished its last record, flushed the file, and ends
//   main: serve() returned       serve() resolved; the program should now end by itself

import { closeSync, openSync, writeSync } from "node:fs";
import path from "node:path";
import { isMainThread, Worker, workerData } from "node:worker_threads";
import { serve, StopEvent, type Service } from "#kata/12-shutdown/service.ts";

export interface ProgramOptions {
  /** A scratch folder: writer w0's records go to w0.log in it, w1's to w1.log, and so on. */
  directory: string;
  /** How many writer threads. */
  writers: number;
  /** How many records each writer has to write. */
  records: number;
  /** true: a writer ends once its records are written; false: it then waits for more work, until stopped. */
  finish: boolean;
  /** How long an idle writer sleeps in stop.wait() before it looks for work again (it finds none). */
  idleMs: number;
  /** The test holds the disk in the middle of this record ("w0-2") until the stop is set and the test says "open the disk". */
  holdAt?: string;
}

interface ThreadData {
  role: "heartbeat" | "writer";
  index: number;
  stop: Int32Array;
  disk: Int32Array;
  beating: Int32Array;
  sleeping: Int32Array;
  options: ProgramOptions;
}

/** Prints one line at once, from any thread (a write to fd 1, not through the main thread's stdout). */
function say(line: string, fd = 1): void {
  const bytes = Buffer.from(`${line}\n`);
  for (let written = 0; written < bytes.length;) {
    try {
      written += writeSync(fd, bytes, written);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EAGAIN") throw error;
    }
  }
}

/** A file opened for appending, buffered like Python's open(path, "a"): write() fills the buffer, flush() appends it. */
class RecordFile {
  private readonly fd: number;
  private buffer = "";

  constructor(file: string) {
    this.fd = openSync(file, "a");
  }

  write(text: string): void {
    this.buffer += text;
  }

  flush(): void {
    if (this.buffer) writeSync(this.fd, this.buffer);
    this.buffer = "";
  }

  close(): void {
    closeSync(this.fd);
  }
}

/** A record: one line, "<w0-3 xxx…x w0-3>"; whole only with both ends. */
const filler = "x".repeat(40);

/**
 * Marks sleeping[index] while this thread sleeps in Atomics.wait on the stop event's memory, so that
 * the tests can send a signal once a writer is really asleep, not after a guessed while. A wait that
 * cannot block (a timeout of 0 or less, or a word that no longer holds the value) is no sleep: a
 * writer polling with Atomics.wait(..., 0) spins, and must not pass for asleep.
 */
function watchSleeps(stopMemory: Int32Array, sleeping: Int32Array, index: number): void {
  const wait = Atomics.wait;
  Atomics.wait = ((array: Int32Array, at: number, value: number, timeout?: number) => {
    if (array.buffer !== stopMemory.buffer) return wait(array, at, value, timeout);
    const canBlock = Atomics.load(array, at) === value && !(timeout !== undefined && timeout <= 0);
    if (!canBlock) return wait(array, at, value, timeout);
    Atomics.store(sleeping, index, 1);
    try {
      return wait(array, at, value, timeout);
    } finally {
      Atomics.store(sleeping, index, 0);
    }
  }) as typeof Atomics.wait;
}

function writer({ index, stop: stopMemory, disk, beating, sleeping, options }: ThreadData): void {
  watchSleeps(stopMemory, sleeping, index);
  const stop = new StopEvent(stopMemory);
  const name = `w${index}`;
  const file = new RecordFile(path.join(options.directory, `${name}.log`));
  // The writers begin once the heartbeat beats: when they end, a daemon thread is surely running.
  while (Atomics.load(beating, 0) === 0) Atomics.wait(beating, 0, 0);
  try {
    for (let n = 0; n < options.records && !stop.isSet(); n++) {
      const id = `${name}-${n}`;
      say(`accepted ${id}`);
      file.write(`<${id} ${filler}`);
      if (id === options.holdAt) {
        // The test holds the disk here, with half the record written, so that its signal lands
        // while a record is in hand. The disk goes on once the stop is set and the test says so.
        file.flush();
        say(`${id} half written`);
        stop.wait();
        say(`${id} stop seen`);
        while (Atomics.load(disk, 0) === 0) Atomics.wait(disk, 0, 0);
      }
      file.write(` ${id}>\n`);
    }
    if (!options.finish) {
      // A service waits for more work: Python's `while not stop.wait(idle): look_for_work()`.
      say(`${name} idle`);
      while (!stop.wait(options.idleMs)) say(`${name} still idle`);
    }
  } finally {
    file.flush();
    file.close();
  }
  say(`${name} done`);
}

function heartbeat({ beating }: ThreadData): void {
  say("heartbeat started");
  Atomics.store(beating, 0, 1);
  Atomics.notify(beating, 0);
  const nap = new Int32Array(new SharedArrayBuffer(4));
  // A daemon's endless loop: Python's `while True: beat(); time.sleep(0.1)`. It never stops by itself.
  for (let beats = 1; ; beats++) Atomics.wait(nap, 0, 0, 100);
}

async function main(): Promise<void> {
  const options = JSON.parse(process.argv[2] ?? "{}") as ProgramOptions;
  const self = process.argv[1]!;
  // The test opens the disk over the IPC channel. The channel must not keep the program alive, and
  // if it closes (the test runner is gone), the program goes too.
  const disk = new Int32Array(new SharedArrayBuffer(4));
  const beating = new Int32Array(new SharedArrayBuffer(4));
  const sleeping = new Int32Array(new SharedArrayBuffer(4 * 16));
  process.on("message", (message: unknown) => {
    if (message === "open the disk") {
      Atomics.store(disk, 0, 1);
      Atomics.notify(disk, 0);
    } else if (typeof message === "object" && message !== null && "untilAsleep" in message) {
      // Prints "asleep: w0 w1" once those writers all sleep in Atomics.wait on the stop event's word.
      const names = (message as { untilAsleep: string[] }).untilAsleep;
      const look = setInterval(() => {
        if (!names.every((name) => Atomics.load(sleeping, Number(name.slice(1))) === 1)) return;
        clearInterval(look);
        say(`asleep: ${names.join(" ")}`);
      }, 1);
      look.unref();
    }
  });
  process.on("disconnect", () => process.kill(process.pid, "SIGKILL"));
  process.channel?.unref();
  setTimeout(() => process.kill(process.pid, "SIGKILL"), 120_000).unref();

  const start = (data: Omit<ThreadData, "disk" | "beating" | "sleeping" | "options">, name: string): Worker => {
    const worker = new Worker(self, { workerData: { ...data, disk, beating, sleeping, options }, name });
    // Python's default excepthook: print, and let the program go on.
    worker.on("error", (error) => say(`Exception in thread ${name}:\n${error.stack ?? String(error)}`, 2));
    return worker;
  };
  const nowhere = new Int32Array(new SharedArrayBuffer(4));
  const service: Service = {
    writers: options.writers,
    startHeartbeat: () => start({ role: "heartbeat", index: 0, stop: nowhere }, "heartbeat"),
    startWriter: (index, stop) => start({ role: "writer", index, stop: stop.memory }, `w${index}`),
  };
  try {
    await serve(service);
    say("main: serve() returned");
  } catch (error) {
    say((error as Error).stack ?? String(error), 2);
    process.exitCode = 1;
  }
}

if (isMainThread) await main();
else if ((workerData as ThreadData).role === "heartbeat") heartbeat(workerData as ThreadData);
else writer(workerData as ThreadData);
