/** Worker-thread entry for runParallel: loads the task module, then drains the job it is sent. */
import { parentPort, workerData } from "node:worker_threads";
import { drain, type PrepareTask, type WorkerJob } from "./parallel.js";

const { module } = workerData as { module: string };
const mod = (await import(module)) as { prepareTask: PrepareTask<unknown, unknown> };
parentPort?.once("message", async (job: WorkerJob) => {
  const each = await mod.prepareTask(job.options);
  const stop = job.stop === null ? null : new Int32Array(job.stop);
  parentPort?.postMessage(await drain(job.files, new Int32Array(job.counter), each, stop));
  parentPort?.close();
});
