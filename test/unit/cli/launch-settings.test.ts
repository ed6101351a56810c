import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const root = join(import.meta.dirname, '..', '..', '..');
const read = (file: string): string => readFileSync(join(root, file), 'utf8');

/** The glibc settings every launcher starts Node with (docs/performance.md, memory). */
const mallocSettings = { MALLOC_ARENA_MAX: '1', MALLOC_TRIM_THRESHOLD_: '131072' };

/** `NAME=value` pairs in a command line or a Dockerfile ENV block. */
function assignments(text: string): Record<string, string> {
  const found: Record<string, string> = {};
  for (const match of text.matchAll(/\b([A-Z_]+)=(\S+)/g)) if (match[1] && match[2]) found[match[1]] = match[2];
  return found;
}

const isGlibc = (): boolean =>
  process.platform === 'linux' &&
  typeof (process.report.getReport() as { header?: { glibcVersionRuntime?: string } }).header?.glibcVersionRuntime ===
    'string';

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

describe('launch settings', () => {
  it('npm start, the executable and the image start Node with the same memory settings', () => {
    const start = (JSON.parse(read('package.json')) as { scripts: { start: string } }).scripts.start;
    const shebang = read('bin/llm-proxy.js').split('\n')[0] ?? '';
    const dockerfile = read('Dockerfile');
    for (const [where, text] of [
      ['npm start', start],
      ['bin/llm-proxy.js', shebang],
      ['Dockerfile', dockerfile],
    ] as const) {
      const set = assignments(text);
      for (const [name, value] of Object.entries(mallocSettings)) assert.equal(set[name], value, `${where}: ${name}`);
      assert.match(text, /--max-semi-space-size=4\b/, `${where}: the young generation's cap`);
      assert.match(text, /--no-maglev\b/, `${where}: no Maglev tier (its compile memory fragments the malloc arena)`);
    }
  });

  it('with a fixed trim threshold, freed large buffers go back to the system instead of staying in the heap', {
    skip: isGlibc() ? false : 'glibc only',
  }, () => {
    // glibc raises its mmap threshold to the size of the largest mapped block freed so far; after that,
    // blocks that size come from the heap, whose holes it never returns. Setting any threshold fixes it.
    const withSettings = returnedMb(mallocSettings);
    const withoutTrim = returnedMb({ MALLOC_ARENA_MAX: '1' });
    assert.ok(withSettings >= 15, `returned ${withSettings} MB of the 25 MB freed`);
    assert.ok(withoutTrim < withSettings - 10, `without the setting ${withoutTrim} MB went back`);
  });
});
