import { Worker } from 'node:worker_threads';

/** Runs in the worker: each source type-stripped, in order. */
const workerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const { stripTypeScriptTypes } = require('node:module');
parentPort.postMessage(workerData.map((text) => stripTypeScriptTypes(text, { mode: 'strip' })));
`;

/**
 * Node's type stripper is WebAssembly whose memory stays with the thread that first uses it, for the life
 * of that thread: run on the main thread at start-up it kept ~17 MB of RSS for as long as the gateway ran
 * (a governed gateway's idle RSS 145 MB against 128 without the dashboard; its peak at max load 169 against
 * 153 — past the 150 MB goal, docs/performance.md). A short-lived worker takes that memory with it.
 */
export async function stripTypesInWorker(sources: readonly string[]): Promise<string[]> {
  if (sources.length === 0) return [];
  const worker = new Worker(workerSource, { eval: true, workerData: sources });
  try {
    return await new Promise<string[]>((resolve, reject) => {
      worker.once('message', (stripped: string[]) => resolve(stripped));
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`the type-stripping worker exited (${code})`)));
    });
  } finally {
    await worker.terminate();
  }
}
