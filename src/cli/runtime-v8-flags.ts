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
 * The launchers start Node with `--no-maglev` (its compile memory fragments the malloc arena), so warm
 * functions wait in the baseline tier until TurboFan takes them, by default after 3,000 calls — a
 * threshold set for a tier in between. At 1,000 the gateway reaches full speed as soon as with Maglev
 * (8 s from a cold start: 6–25% more req/s than Maglev's tiering, 21–40% more than `--no-maglev`
 * alone) and holds 2–11% more req/s than Maglev's tiering after 25 s (docs/performance.md, memory).
 */
export const turbofanThresholdFlag = '--invocation-count-for-turbofan=1000';

/** A V8 setting `serve` applies at startup, and what a setting of the caller's own on the command line looks like. */
const runtimeFlags: readonly { flag: string; own: RegExp }[] = [
  { flag: heapGrowthFlag, own: /^--heap[-_]growing[-_]percent\b/ },
  { flag: turbofanThresholdFlag, own: /^--invocation[-_]count[-_]for[-_]turbofan\b/ },
];

/**
 * Sets each of `runtimeFlags` unless the process was started with its own (Node refuses these V8 flags
 * in NODE_OPTIONS, so the command line is the one place to look). V8 reads both as it goes (the heap's
 * size after each collection, a function's call count at each tier-up check), so setting them before the
 * first request takes effect — unlike `--no-maglev`, which must be on the command line: set at runtime it
 * cost 30–40% of req/s. Returns the flags set.
 */
export function applyRuntimeV8Flags(
  execArgv: readonly string[],
  setFlags: (flags: string) => void = setFlagsFromString,
): string[] {
  const applied: string[] = [];
  for (const { flag, own } of runtimeFlags) {
    if (execArgv.some((arg) => own.test(arg))) continue;
    setFlags(flag);
    applied.push(flag);
  }
  return applied;
}
