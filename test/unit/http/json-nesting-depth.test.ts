import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  exceedsNestingDepth,
  maxNestingDepth,
  namesPrototypeKey,
  scanJsonText,
  tooDeep,
} from '../../../src/http/json-nesting-depth.ts';
import { parseJsonBody } from '../../../src/http/parse-json-body.ts';
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

describe('scanJsonText', () => {
  it('finds a string reading __proto__ or constructor as written, key or value, in the same pass as the depth', () => {
    assert.equal(scanJsonText('{"model":"m","__proto__":{"a":1}}'), namesPrototypeKey);
    assert.equal(scanJsonText('{"constructor":{"prototype":{}}}'), namesPrototypeKey);
    assert.equal(scanJsonText('["constructor"]'), namesPrototypeKey);
    // The words inside longer strings, and strings of the same length, are not those names.
    assert.equal(scanJsonText('{"content":"what do __proto__ and constructor do?","__proto_x":"constructo_"}'), 0);
    assert.equal(scanJsonText(`{"__proto__":${nested(maxNestingDepth + 1)}}`), namesPrototypeKey | tooDeep);
    assert.equal(scanJsonText(nested(maxNestingDepth + 1)), tooDeep);
  });

  it('leaves the parser to refuse poisoning keys, escaped ones included, and to tell invalid JSON from too deep', () => {
    for (const poisoned of [
      '{"__proto__":{"admin":true}}',
      '{"\\u005f_proto__":{"admin":true}}',
      '{"constructor":{"prototype":{"admin":true}}}',
    ])
      assert.throws(() => parseJsonBody(poisoned), { code: 'FST_ERR_CTP_INVALID_JSON_BODY' });
    assert.deepEqual(parseJsonBody('{"a":"__proto__","constructor":1}'), { a: '__proto__', constructor: 1 });
    assert.throws(() => parseJsonBody(`${nested(maxNestingDepth + 1)}x`), { code: 'FST_ERR_CTP_INVALID_JSON_BODY' });
    assert.throws(() => parseJsonBody(nested(maxNestingDepth + 1)), /nested deeper than 128/);
  });
});
