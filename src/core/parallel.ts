/**
 * Spreading per-file work over the machine's cores: the main thread takes a share and worker
 * threads the rest, each running the same task module. Results come back in input order.
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

export async function runParallel<O, R>(files: readonly string[], options: O, task: TaskModule<O, R>): Promise<R[]> {
  const threads = files.length < MIN_FILES_FOR_WORKERS ? 1 : Math.min(availableParallelism(), 4);
  if (threads <= 1) return task.run([...files], options);
  // Interleaved shares keep the split even when file sizes cluster by folder.
  const shares: string[][] = Array.from({ length: threads }, () => []);
  files.forEach((f, i) => shares[i % threads]?.push(f));
  const workerRuns = shares.slice(1).map(
    (share) =>
      new Promise<R[]>((resolve, reject) => {
        const worker = new Worker(new URL("./worker.js", import.meta.url), {
          workerData: { module: task.url.href, files: share, options },
        });
        worker.once("message", (results: R[]) => resolve(results));
        worker.once("error", reject);
        worker.once("exit", (code) => {
          if (code !== 0) reject(new Error(`worker stopped with exit code ${code}`));
        });
      }),
  );
  const [mine, ...theirs] = await Promise.all([task.run(shares[0] ?? [], options), ...workerRuns]);
  const all = [mine ?? [], ...theirs];
  const out: R[] = [];
  for (let i = 0; i < files.length; i++) {
    const r = all[i % threads]?.[Math.floor(i / threads)];
    if (r !== undefined) out.push(r);
  }
  return out;
}
