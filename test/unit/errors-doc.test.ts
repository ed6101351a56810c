import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { errorCodes } from '../../src/errors/error-codes.ts';

describe('docs/errors.md', () => {
  it('lists every error code with its status', () => {
    const doc = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'errors.md'), 'utf8');
    for (const [code, { status }] of Object.entries(errorCodes)) {
      assert.match(
        doc,
        new RegExp(`\\|\\s*\`${code}\`\\s*\\|\\s*${status}\\s*\\|`),
        `docs/errors.md is missing ${code} (${status})`,
      );
    }
  });
});
