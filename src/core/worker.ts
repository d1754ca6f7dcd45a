/** Worker-thread entry for runParallel: loads the task module and runs it on its share. */
import { parentPort, workerData } from "node:worker_threads";

interface Job {
  module: string;
  files: string[];
  options: unknown;
}

const job = workerData as Job;
const mod = (await import(job.module)) as { runTask: (files: string[], options: unknown) => Promise<unknown[]> };
parentPort?.postMessage(await mod.runTask(job.files, job.options));
