#!/usr/bin/env node
/**
 * `npm run bench:memory-settings`: measures what the launch settings do to memory (bench/lib/memory-settings.ts)
 * and exits 1 when one no longer does what docs/performance.md says. `npm run bench` runs the same checks.
 */
import { checkMemorySettings } from './lib/memory-settings.ts';

let failed = false;
for (const check of checkMemorySettings()) {
  console.log(`${check.passed ? 'ok  ' : 'FAIL'} ${check.name}: ${check.detail}`);
  if (!check.passed) failed = true;
}
process.exitCode = failed ? 1 : 0;
