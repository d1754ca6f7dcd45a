/**
 * Interrupts during a run that writes (SPEC, "Interrupts"): SIGINT or SIGTERM asks the run to
 * stop between files. The file in flight is finished (or abandoned, its temporary file removed)
 * by the atomic writer, so every file is whole; the command then reports how far it got and the
 * CLI exits 130. A second signal while the run winds down does not wait: the temporary files
 * being written are removed and the process dies of that signal (a shell reports 130 for SIGINT).
 *
 * Every writer (normalize, prune --delete, changes --revert-noise, rehash, redact, migrate-types)
 * goes through `watchInterrupts` + `eachUntilInterrupted`, or `runParallelUntil` (parallel.ts)
 * for work spread over threads: worker threads see the request through `shared`.
 */
import { removeTempsInFlight } from "../write.js";

export type InterruptSignal = "SIGINT" | "SIGTERM";
const SIGNALS: readonly InterruptSignal[] = ["SIGINT", "SIGTERM"];

/** A run-scoped watch for interrupts; `dispose` it when the writes are over. */
export interface Interrupts {
  /** True once SIGINT or SIGTERM arrived. */
  readonly requested: boolean;
  /** The signal that arrived first; null while none has. */
  readonly signal: InterruptSignal | null;
  /** Element 0 becomes 1 when an interrupt is requested: worker threads read it with Atomics. */
  readonly shared: Int32Array;
  /** Removes the handlers: a signal now does what it did before the watch. */
  dispose(): void;
}

/** How far a stopped run got. */
export interface Interruption {
  signal: InterruptSignal;
  /** Files (or items) finished, every one whole. */
  done: number;
  total: number;
}

/** Reports `done` of `total` items; the reporter decides when a line is worth printing. */
export type ProgressListener = (done: number, total: number) => void;

/** Installs SIGINT and SIGTERM handlers for the duration of a run that writes. */
export function watchInterrupts(): Interrupts {
  const shared = new Int32Array(new SharedArrayBuffer(4));
  let signal: InterruptSignal | null = null;
  const handler = (received: InterruptSignal): void => {
    if (signal === null) {
      signal = received;
      Atomics.store(shared, 0, 1);
      return;
    }
    // Asked twice: no more waiting for the file in flight.
    removeTempsInFlight();
    dispose();
    process.kill(process.pid, received);
  };
  const dispose = (): void => {
    for (const s of SIGNALS) process.off(s, handler);
  };
  for (const s of SIGNALS) process.on(s, handler);
  return {
    get requested() {
      return signal !== null;
    },
    get signal() {
      return signal;
    },
    shared,
    dispose,
  };
}

/** True when the flag a worker thread was given says to stop. */
export function stopRequested(shared: Int32Array | null): boolean {
  return shared !== null && Atomics.load(shared, 0) !== 0;
}

export interface UntilInterrupted<R> {
  /** One per item finished, in order: the first `results.length` items. */
  results: R[];
  /** Null when every item was done. */
  interruption: Interruption | null;
}

/**
 * Runs `each` on the items one at a time, checking for an interrupt between them: the item in
 * flight always finishes (its write is atomic), the rest are not started. `interrupts` null: no
 * watch (a dry run), every item is done.
 */
export async function eachUntilInterrupted<T, R>(
  items: readonly T[],
  interrupts: Interrupts | null,
  each: (item: T, index: number) => Promise<R>,
  onProgress?: ProgressListener,
): Promise<UntilInterrupted<R>> {
  const results: R[] = [];
  for (const [i, item] of items.entries()) {
    if (interrupts?.requested === true) return { results, interruption: interruptionOf(interrupts, results.length, items.length) };
    results.push(await each(item, i));
    onProgress?.(results.length, items.length);
    // A turn of the event loop, so a signal's handler runs even when `each` did its work synchronously.
    if (interrupts !== null) await new Promise((resolve) => setImmediate(resolve));
  }
  return { results, interruption: null };
}

/** The interruption of a run that stopped after `done` of `total`; null when none was asked for. */
export function interruptionOf(interrupts: Interrupts | null, done: number, total: number): Interruption | null {
  const signal = interrupts?.signal ?? null;
  return signal === null || done >= total ? null : { signal, done, total };
}
