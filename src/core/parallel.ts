/**
 * Spreading per-file work over the machine's cores. The main thread and worker threads run the
 * same task module and take files one at a time from a shared counter (Atomics), so every
 * thread stays busy until the list is done, whatever the file sizes. Results come back in input
 * order. Workers can be started before the file list is known (`startWorkers`), so loading the
 * task's modules overlaps with file discovery.
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
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
  counter: SharedArrayBuffer;
}
export type WorkerReply = [number, unknown][];

/** Worker threads that have loaded a task module and wait for a job. */
export class WorkerPool {
  private readonly idle: Worker[];

  constructor(task: URL, count: number) {
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

/** Takes files from the shared counter until none are left; the caller's thread or a worker's. */
export async function drain<R>(files: readonly string[], counter: Int32Array, each: (file: string) => Promise<R>): Promise<[number, R][]> {
  const done: [number, R][] = [];
  for (let i = Atomics.add(counter, 0, 1); i < files.length; i = Atomics.add(counter, 0, 1)) {
    done.push([i, await each(files[i] ?? "")]);
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
  const threads = files.length < MIN_FILES_FOR_WORKERS ? 1 : maxThreads();
  const workers = threads <= 1 ? [] : (pool?.take(threads - 1) ?? new WorkerPool(task.url, threads - 1).take(threads - 1));
  pool?.release();
  const counter = new SharedArrayBuffer(4);
  const job: WorkerJob = { files, options, counter };
  const [mine, ...theirs] = await Promise.all([
    task.prepare(options).then((each) => drain(files, new Int32Array(counter), each)),
    ...workers.map((w) => runOn(w, job)),
  ]);
  const out = new Array<R>(files.length);
  for (const [i, r] of mine ?? []) out[i] = r;
  for (const reply of theirs) for (const [i, r] of reply) out[i] = r as R;
  return out;
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
