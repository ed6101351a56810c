import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { renderProvidersTable } from '../../src/providers/providers-table.ts';

describe('README provider table', () => {
  it('is the one the registry renders (regenerate: renderProvidersTable in src/providers/providers-table.ts)', () => {
    const readme = readFileSync(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');
    const normalise = (text: string) =>
      text
        .split('\n')
        .filter((line) => line.startsWith('|'))
        .map((line) =>
          line
            .split('|')
            .map((cell) => cell.trim().replace(/^-+:?$/, '---'))
            .join('|'),
        );
    const table = normalise(renderProvidersTable());
    const start = normalise(readme).indexOf(table[0] ?? '');
    assert.ok(start !== -1, 'README.md has no provider table');
    assert.deepEqual(normalise(readme).slice(start, start + table.length), table);
  });
});
