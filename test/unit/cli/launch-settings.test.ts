import assert from 'node:assert/strict';
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
});
