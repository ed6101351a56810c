import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readTrailingObject, readTrailingString } from '../../../src/http/shared/read-trailing-object.ts';

describe('readTrailingObject', () => {
  it('reads the last object under the key, strings with braces and escapes included', () => {
    const text = JSON.stringify({
      choices: [{ message: { content: 'a "usage": {"x": 1} } inside a string \\ and }' } }],
      usage: { prompt_tokens: 3, completion_tokens: 4, details: { cached: 1 }, note: 'a } and a \\" quote' },
    });
    assert.deepEqual(readTrailingObject(text, 'usage'), {
      prompt_tokens: 3,
      completion_tokens: 4,
      details: { cached: 1 },
      note: 'a } and a \\" quote',
    });
  });

  it('accepts blanks around the colon, as pretty-printed JSON has', () => {
    assert.deepEqual(readTrailingObject('{"usage" :\n  {"a": 1}\n}', 'usage'), { a: 1 });
  });

  it('is undefined when the key is missing, not an object, or the object is cut off', () => {
    assert.equal(readTrailingObject('{"id":"x"}', 'usage'), undefined);
    assert.equal(readTrailingObject('{"usage":null,"other":{"a":1}}', 'usage'), undefined);
    assert.equal(readTrailingObject('{"usage" {"a":1}}', 'usage'), undefined);
    assert.equal(readTrailingObject('{"usage":{"a":1', 'usage'), undefined);
  });

  it('reads the last string value of a key', () => {
    assert.equal(
      readTrailingString('{"finish_reason":"length","x":{"finish_reason":"stop"}}', 'finish_reason'),
      'stop',
    );
    assert.equal(readTrailingString('{"finish_reason":null}', 'finish_reason'), undefined);
  });
});
