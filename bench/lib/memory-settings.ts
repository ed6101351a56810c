/**
 * What the launch settings do to memory, measured: the heap growth flag `applyRuntimeV8Flags` sets
 * (src/cli/runtime-v8-flags.ts) and the glibc trim threshold every launcher exports. These measure V8
 * and glibc, not this code, so they live here rather than in `npm test`; the tests check that the
 * settings are applied.
 */
import { execFileSync } from 'node:child_process';

const v8FlagsUrl = new URL('../../src/cli/runtime-v8-flags.ts', import.meta.url).href;

export interface MemorySettingsCheck {
  name: string;
  passed: boolean;
  detail: string;
}

/**
 * A child that keeps ~50 MB live and keeps promoting short-lived objects into the old generation (a ring
 * of recent ones outlives two scavenges), as a gateway under load does with requests in flight; prints
 * the largest heap V8 committed meanwhile.
 */
function peakCommittedMb(apply: boolean): number {
  const output = execFileSync(
    process.execPath,
    [
      '--max-semi-space-size=4',
      '--input-type=module',
      '-e',
      `
    import { getHeapStatistics } from 'node:v8';
    import { applyRuntimeV8Flags } from ${JSON.stringify(v8FlagsUrl)};
    if (${apply}) applyRuntimeV8Flags([]);
    const live = [];
    for (let i = 0; i < 200_000; i++) live.push({ a: i, b: 's' + i, c: [i] });
    const ring = new Array(20_000);
    let peak = 0;
    for (let i = 0; i < 6_000_000; i++) {
      ring[i % ring.length] = { a: i, b: [i, i], c: { d: i } };
      if (i % 20_000 === 0) peak = Math.max(peak, getHeapStatistics().total_heap_size);
    }
    console.log(live.length > 0 ? peak / 1048576 : 0);
  `,
    ],
    { encoding: 'utf8' },
  );
  return Number(output.trim());
}

/**
 * Frees every other one of 200 buffers of 256 KB, after a larger buffer has come and gone, and prints how
 * many MB went back to the operating system.
 */
const fragmentingScript = `
let big = Buffer.alloc(8 * 1024 * 1024, 1);
big = undefined;
globalThis.gc();
await new Promise((resolve) => setTimeout(resolve, 10));
const held = [];
let freed = [];
for (let i = 0; i < 200; i++) (i % 2 ? held : freed).push(Buffer.alloc(256 * 1024, 1));
const peak = process.memoryUsage().rss;
freed = [];
globalThis.gc();
await new Promise((resolve) => setTimeout(resolve, 10));
globalThis.gc();
console.log(Math.round((peak - process.memoryUsage().rss) / 1048576), held.length);
`;

function returnedMb(env: Record<string, string>): number {
  const output = execFileSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', fragmentingScript], {
    env: { PATH: process.env['PATH'] ?? '', ...env },
    encoding: 'utf8',
  });
  return Number(output.split(' ')[0]);
}

const isGlibc = (): boolean =>
  process.platform === 'linux' &&
  typeof (process.report.getReport() as { header?: { glibcVersionRuntime?: string } }).header?.glibcVersionRuntime ===
    'string';

/** Both checks, each with what it measured. */
export function checkMemorySettings(): MemorySettingsCheck[] {
  const unlimited = peakCommittedMb(false);
  const limited = peakCommittedMb(true);
  const checks: MemorySettingsCheck[] = [
    {
      // Measured: ~205–215 MB by default, ~80–95 MB limited.
      name: 'heap growth flag keeps the committed heap under churn well below the default',
      passed: limited < unlimited * 0.7,
      detail: `limited ${limited.toFixed(0)} MB, default ${unlimited.toFixed(0)} MB`,
    },
  ];
  if (isGlibc()) {
    // glibc raises its mmap threshold to the size of the largest mapped block freed so far; after that,
    // blocks that size come from the heap, whose holes it never returns. Setting any threshold fixes it.
    const withSettings = returnedMb({ MALLOC_ARENA_MAX: '1', MALLOC_TRIM_THRESHOLD_: '131072' });
    const withoutTrim = returnedMb({ MALLOC_ARENA_MAX: '1' });
    checks.push({
      name: 'a fixed trim threshold returns freed large buffers to the system',
      passed: withSettings >= 15 && withoutTrim < withSettings - 10,
      detail: `${withSettings} MB of the 25 MB freed went back; without the setting ${withoutTrim} MB`,
    });
  }
  return checks;
}
