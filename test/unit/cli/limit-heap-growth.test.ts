import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { heapGrowthFlag, limitHeapGrowth } from '../../../src/cli/limit-heap-growth.ts';

const moduleUrl = new URL('../../../src/cli/limit-heap-growth.ts', import.meta.url).href;

/**
 * A child that keeps ~50 MB live and keeps promoting short-lived objects into the old generation (a ring
 * of recent ones outlives two scavenges), as a gateway under load does with requests in flight; prints
 * the largest heap V8 committed meanwhile.
 */
function peakCommittedMb(limit: boolean): number {
  const script = `
    import { getHeapStatistics } from 'node:v8';
    import { limitHeapGrowth } from ${JSON.stringify(moduleUrl)};
    if (${limit}) limitHeapGrowth([]);
    const live = [];
    for (let i = 0; i < 200_000; i++) live.push({ a: i, b: 's' + i, c: [i] });
    const ring = new Array(20_000);
    let peak = 0;
    for (let i = 0; i < 6_000_000; i++) {
      ring[i % ring.length] = { a: i, b: [i, i], c: { d: i } };
      if (i % 20_000 === 0) peak = Math.max(peak, getHeapStatistics().total_heap_size);
    }
    console.log(live.length > 0 ? peak / 1048576 : 0);
  `;
  const output = execFileSync(process.execPath, ['--max-semi-space-size=4', '--input-type=module', '-e', script], {
    encoding: 'utf8',
  });
  return Number(output.trim());
}

describe('limitHeapGrowth', () => {
  it('sets the heap growth flag', () => {
    const set: string[] = [];
    assert.equal(
      limitHeapGrowth(['--max-semi-space-size=4', '--enable-source-maps'], (flags) => set.push(flags)),
      true,
    );
    assert.deepEqual(set, [heapGrowthFlag]);
  });

  it('leaves a growth factor given on the command line alone, in either spelling', () => {
    const set: string[] = [];
    const record = (flags: string): void => {
      set.push(flags);
    };
    assert.equal(limitHeapGrowth(['--heap-growing-percent=80'], record), false);
    assert.equal(limitHeapGrowth(['--max-semi-space-size=4', '--heap_growing_percent=80'], record), false);
    assert.deepEqual(set, []);
  });

  it('keeps the heap V8 commits under churn well below what it grows to by default', () => {
    const unlimited = peakCommittedMb(false);
    const limited = peakCommittedMb(true);
    // Measured: ~205–215 MB by default, ~80–95 MB limited.
    assert.ok(limited < unlimited * 0.7, `limited ${limited.toFixed(0)} MB, default ${unlimited.toFixed(0)} MB`);
  });
});
