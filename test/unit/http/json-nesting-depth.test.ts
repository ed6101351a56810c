import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { exceedsNestingDepth, maxNestingDepth } from '../../../src/http/json-nesting-depth.ts';
import { isRecordable } from '../../../src/http/recorded-text.ts';

const nested = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth);

describe('exceedsNestingDepth', () => {
  it('counts arrays and objects, up to the limit included', () => {
    assert.equal(exceedsNestingDepth(nested(maxNestingDepth)), false);
    assert.equal(exceedsNestingDepth(nested(maxNestingDepth + 1)), true);
    assert.equal(
      exceedsNestingDepth(`${'{"a":'.repeat(maxNestingDepth + 1)}1${'}'.repeat(maxNestingDepth + 1)}`),
      true,
    );
    assert.equal(exceedsNestingDepth('[{"a":[{"b":[1]}]}]', 4), true);
    assert.equal(exceedsNestingDepth('[{"a":[{"b":[1]}]}]', 5), false);
  });

  it('depth falls back as values close: many shallow values are not deep', () => {
    assert.equal(exceedsNestingDepth(`[${Array.from({ length: 1000 }, () => '[[1]]').join(',')}]`), false);
  });

  it('skips brackets inside strings, escaped quotes and backslashes included', () => {
    assert.equal(exceedsNestingDepth(JSON.stringify(['['.repeat(1000)])), false);
    assert.equal(exceedsNestingDepth(JSON.stringify([`\\"${'['.repeat(1000)}`])), false);
    assert.equal(exceedsNestingDepth(JSON.stringify([`"${'{'.repeat(1000)}\\`, '}'])), false);
    assert.equal(
      exceedsNestingDepth(`["\\\\"${','.repeat(300)}${nested(200)}]`),
      true,
      'an escaped backslash ends no string',
    );
  });
});

describe('isRecordable', () => {
  it('refuses NUL and lone surrogates, keeps paired ones', () => {
    assert.equal(isRecordable('gpt-4o'), true);
    assert.equal(isRecordable('gpt-😀'), true);
    assert.equal(isRecordable('x\u0000'), false);
    assert.equal(isRecordable('x\ud800'), false);
    assert.equal(isRecordable('\udc00x'), false);
  });
});
