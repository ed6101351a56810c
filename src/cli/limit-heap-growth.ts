import { setFlagsFromString } from 'node:v8';

/**
 * After each full collection V8 lets the old generation grow to up to four times what survived before
 * it collects again. Under steady load the gateway's live heap stays near 36 MB, but the heap swings up
 * to that bound between collections, and V8 keeps the pages it frees pooled for reuse while allocation
 * never pauses, so RSS climbs in steps to the largest swing so far (119 → 236 MB over 5 min of max
 * load). At 50% the swing stays within half the live size: RSS levels off at ~155 MB within 30 s, with
 * as many full collections and the same req/s (docs/performance.md, memory).
 */
export const heapGrowthFlag = '--heap-growing-percent=50';

/**
 * Sets `heapGrowthFlag` unless the process was started with its own `--heap-growing-percent` (Node
 * refuses V8 flags like it in NODE_OPTIONS, so the command line is the one place to look). V8 reads the
 * flag each time it sizes the heap after a collection, so setting it at startup takes effect.
 */
export function limitHeapGrowth(
  execArgv: readonly string[],
  setFlags: (flags: string) => void = setFlagsFromString,
): boolean {
  if (execArgv.some((arg) => /^--heap[-_]growing[-_]percent\b/.test(arg))) return false;
  setFlags(heapGrowthFlag);
  return true;
}
