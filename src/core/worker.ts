/** Worker-thread entry for runParallel: loads the task module, then runs it on the share it is sent. */
import { parentPort, workerData } from "node:worker_threads";

interface Job {
  files: string[];
  options: unknown;
}

const { module } = workerData as { module: string };
const mod = (await import(module)) as { runTask: (files: string[], options: unknown) => Promise<unknown[]> };
parentPort?.once("message", async (job: Job) => {
  parentPort?.postMessage(await mod.runTask(job.files, job.options));
  parentPort?.close();
});
