/**
 * Spreading per-file work over the machine's cores: the main thread takes a share and worker
 * threads the rest, each running the same task module. Results come back in input order.
 * Workers can be started before the file list is known (`startWorkers`), so their start-up —
 * loading the task's modules — overlaps with file discovery.
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";

/** Below this many files, starting a worker costs more than it saves. */
const MIN_FILES_FOR_WORKERS = 48;

export interface TaskModule<O, R> {
  /** The module file that exports `runTask(files, options)`, as a URL. */
  url: URL;
  run: (files: string[], options: O) => Promise<R[]>;
}

/** Worker threads that have loaded a task module and wait for their share of files. */
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

function threadCount(files: number): number {
  return files < MIN_FILES_FOR_WORKERS ? 1 : Math.min(availableParallelism(), 4);
}

/** Starts the workers a large run will use, before its files are known. */
export function startWorkers(task: URL): WorkerPool {
  return new WorkerPool(task, Math.min(availableParallelism(), 4) - 1);
}

function runOn<R>(worker: Worker, files: string[], options: unknown): Promise<R[]> {
  return new Promise<R[]>((resolve, reject) => {
    worker.once("message", (results: R[]) => resolve(results));
    worker.once("error", reject);
    worker.once("exit", (code) => {
      if (code !== 0) reject(new Error(`worker stopped with exit code ${code}`));
    });
    worker.postMessage({ files, options });
  });
}

export async function runParallel<O, R>(files: readonly string[], options: O, task: TaskModule<O, R>, pool?: WorkerPool): Promise<R[]> {
  const threads = threadCount(files.length);
  if (threads <= 1) {
    pool?.release();
    return task.run([...files], options);
  }
  const workers = pool?.take(threads - 1) ?? new WorkerPool(task.url, threads - 1).take(threads - 1);
  pool?.release();
  // Interleaved shares keep the split even when file sizes cluster by folder.
  const shares: string[][] = Array.from({ length: workers.length + 1 }, () => []);
  files.forEach((f, i) => shares[i % shares.length]?.push(f));
  const [mine, ...theirs] = await Promise.all([
    task.run(shares[0] ?? [], options),
    ...workers.map((w, i) => runOn<R>(w, shares[i + 1] ?? [], options)),
  ]);
  const all = [mine ?? [], ...theirs];
  const out: R[] = [];
  for (let i = 0; i < files.length; i++) {
    const r = all[i % all.length]?.[Math.floor(i / all.length)];
    if (r !== undefined) out.push(r);
  }
  return out;
}
