/**
 * Spreading per-file work over the machine's cores. The main thread and worker threads run the
 * same task module and take files one at a time from a shared counter (Atomics), so every
 * thread stays busy until the list is done, whatever the file sizes. Results come back in input
 * order. Workers can be started before the file list is known (`startWorkers`), so loading the
 * task's modules overlaps with file discovery.
 */
import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import type { Worker } from "node:worker_threads";
import { interruptionOf, stopRequested, type Interrupts, type ProgressListener, type UntilInterrupted } from "./io/interrupt.js";
import { isStreamPath } from "./read.js";

/** Below this many files, starting a worker costs more than it saves. */
const MIN_FILES_FOR_WORKERS = 48;

/** What a task module exports: one-time setup for a thread, giving the per-file work. */
export type PrepareTask<O, R> = (options: O) => Promise<(file: string) => Promise<R>>;

export interface TaskModule<O, R> {
  /** The module file that exports `prepareTask(options)`, as a URL (workers import it). */
  url: URL;
  prepare: PrepareTask<O, R>;
}

/** The message a worker receives, and its reply: `[index, result]` for each file it took. */
export interface WorkerJob {
  files: readonly string[];
  options: unknown;
  /** Two Int32 slots: the next file to take, and how many are done. */
  counter: SharedArrayBuffer;
  /** Set (to 1) when the run is interrupted: no thread takes another file. */
  stop: SharedArrayBuffer | null;
}
export type WorkerReply = [number, unknown][];

/**
 * node:worker_threads, loaded when the first pool is made: a run on a few files (the pre-commit
 * case) never starts a thread, and loading the module is ~5 ms of a start. (Any path serves
 * createRequire for a built-in module.)
 */
let threads: typeof import("node:worker_threads") | undefined;
function workerThreads(): typeof import("node:worker_threads") {
  threads ??= createRequire("/")("node:worker_threads") as typeof import("node:worker_threads");
  return threads;
}

/** Worker threads that have loaded a task module and wait for a job. */
export class WorkerPool {
  private readonly idle: Worker[];

  constructor(task: URL, count: number) {
    const { Worker } = workerThreads();
    this.idle = Array.from({ length: count }, () => new Worker(new URL("./worker.js", import.meta.url), { workerData: { module: task.href } }));
  }

  take(count: number): Worker[] {
    return this.idle.splice(0, count);
  }

  /** Stops the workers nobody took (they would keep the process alive). */
  release(): void {
    for (const w of this.idle.splice(0)) void w.terminate();
  }
}

function maxThreads(): number {
  return Math.min(availableParallelism(), 4);
}

/** Starts the workers a large run will use, before its files are known. */
export function startWorkers(task: URL): WorkerPool {
  return new WorkerPool(task, maxThreads() - 1);
}

const NEXT = 0;
const DONE = 1;

/**
 * Takes files from the shared counter until none are left or `stop` is set (checked before
 * taking one, so a file taken is always finished); the caller's thread or a worker's.
 */
export async function drain<R>(files: readonly string[], counter: Int32Array, each: (file: string) => Promise<R>, stop: Int32Array | null = null): Promise<[number, R][]> {
  const done: [number, R][] = [];
  while (!stopRequested(stop)) {
    const i = Atomics.add(counter, NEXT, 1);
    if (i >= files.length) break;
    done.push([i, await each(files[i] ?? "")]);
    Atomics.add(counter, DONE, 1);
  }
  return done;
}

function runOn(worker: Worker, job: WorkerJob): Promise<WorkerReply> {
  return new Promise<WorkerReply>((resolve, reject) => {
    worker.once("message", (reply: WorkerReply) => resolve(reply));
    worker.once("error", reject);
    worker.once("exit", (code) => {
      if (code !== 0) reject(new Error(`worker stopped with exit code ${code}`));
    });
    worker.postMessage(job);
  });
}

export async function runParallel<O, R>(files: readonly string[], options: O, task: TaskModule<O, R>, pool?: WorkerPool): Promise<R[]> {
  // A stream (`-`, `/dev/fd/N`) can be read once, by this thread only: it never goes to a worker.
  const streams = files.filter(isStreamPath);
  if (streams.length > 0) return withStreams(files, streams, options, task, pool);
  return (await spread(files, options, task, pool, null)) as R[];
}

/** How a run that writes is watched: interrupts stop it between files; progress is reported. */
export interface RunControl {
  interrupts: Interrupts | null;
  onProgress?: ProgressListener;
}

/** How often the main thread looks at the shared count of files done. */
const PROGRESS_POLL_MS = 100;

/**
 * `runParallel` for a run that writes: every thread stops taking files when an interrupt is
 * requested, each finishing the file it holds. The results are those of the files finished,
 * which are the first of the list only in a single thread, so each keeps its file; `interruption`
 * says how far the run got. (Streams are never written, so they never come here.)
 */
export async function runParallelUntil<O, R>(files: readonly string[], options: O, task: TaskModule<O, R>, control: RunControl): Promise<UntilInterrupted<R>> {
  const sparse = await spread(files, options, task, undefined, control);
  const results = sparse.filter((_, i) => i in sparse) as R[];
  return { results, interruption: interruptionOf(control.interrupts, results.length, files.length) };
}

/** The files spread over the threads; a file nobody took (after an interrupt) has no entry. */
async function spread<O, R>(files: readonly string[], options: O, task: TaskModule<O, R>, pool: WorkerPool | undefined, control: RunControl | null): Promise<(R | undefined)[]> {
  const threads = files.length < MIN_FILES_FOR_WORKERS ? 1 : maxThreads();
  const workers = threads <= 1 ? [] : (pool?.take(threads - 1) ?? new WorkerPool(task.url, threads - 1).take(threads - 1));
  pool?.release();
  const counter = new SharedArrayBuffer(8);
  const stop = control?.interrupts?.shared ?? null;
  const job: WorkerJob = { files, options, counter, stop: (stop?.buffer as SharedArrayBuffer | undefined) ?? null };
  const onProgress = control?.onProgress;
  const done = new Int32Array(counter);
  const timer = onProgress === undefined ? null : setInterval(() => onProgress(Atomics.load(done, DONE), files.length), PROGRESS_POLL_MS);
  try {
    const [mine, ...theirs] = await Promise.all([
      task.prepare(options).then((each) => drain(files, new Int32Array(counter), each, stop)),
      ...workers.map((w) => runOn(w, job)),
    ]);
    const out = new Array<R | undefined>(files.length);
    for (const [i, r] of mine ?? []) out[i] = r;
    for (const reply of theirs) for (const [i, r] of reply) out[i] = r as R;
    return out;
  } finally {
    if (timer !== null) clearInterval(timer);
  }
}

/** The streams done here first, the files spread as usual; results in input order. */
async function withStreams<O, R>(files: readonly string[], streams: readonly string[], options: O, task: TaskModule<O, R>, pool?: WorkerPool): Promise<R[]> {
  const each = await task.prepare(options);
  const fromStreams = new Map<string, R>();
  for (const stream of new Set(streams)) fromStreams.set(stream, await each(stream));
  const rest = files.filter((f) => !isStreamPath(f));
  if (rest.length === 0) pool?.release();
  const fromFiles = rest.length > 0 ? await runParallel(rest, options, task, pool) : [];
  let next = 0;
  return files.map((f) => (isStreamPath(f) ? (fromStreams.get(f) as R) : (fromFiles[next++] as R)));
}
