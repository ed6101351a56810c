import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { countInBoundedRuns, maxRunLength } from '../../../src/http/anthropic/count-tokens-estimate.ts';

/** A stand-in tokenizer that records what it is given. */
function recordingCounter() {
  const pieces: string[] = [];
  const count = (text: string) => {
    pieces.push(text);
    return Math.ceil(text.length / 4);
  };
  return { pieces, count };
}

describe('countInBoundedRuns', () => {
  it('count_tokens was quadratic on 100,000 characters without a space: no piece tokenized holds a longer run', () => {
    for (const text of ['x'.repeat(100_000), `a ${'y'.repeat(50_000)} b ${' '.repeat(20_000)}c`, 'é'.repeat(30_001)]) {
      const { pieces, count } = recordingCounter();
      assert.ok(countInBoundedRuns(text, count) > 0);
      assert.equal(pieces.join(''), text, 'every character is counted once');
      for (const piece of pieces) {
        const longest = Math.max(
          ...piece.split(/\s+/).map((word) => word.length),
          ...(piece.match(/\s+/g) ?? []).map((run) => run.length),
        );
        assert.ok(longest <= maxRunLength, `a run of ${longest} characters was tokenized in one piece`);
      }
    }
  });

  it('ordinary text is counted in one piece, exactly as before', () => {
    const text = 'The quick brown fox jumps over the lazy dog. '.repeat(2_000);
    const { pieces, count } = recordingCounter();
    countInBoundedRuns(text, count);
    assert.deepEqual(pieces, [text]);
  });
});
