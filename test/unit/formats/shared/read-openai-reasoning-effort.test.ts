import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GatewayError } from '../../../../src/errors/gateway-error.ts';
import { readOpenAIReasoningEffort } from '../../../../src/formats/shared/read-openai-reasoning-effort.ts';

describe('readOpenAIReasoningEffort', () => {
  it('reads an effort level as canonical reasoning, none as off, absent as nothing', () => {
    assert.deepEqual(readOpenAIReasoningEffort('high', 'reasoning_effort'), { enabled: true, effort: 'high' });
    assert.deepEqual(readOpenAIReasoningEffort('none', 'reasoning.effort'), { enabled: false, effort: 'none' });
    assert.equal(readOpenAIReasoningEffort(undefined, 'reasoning_effort'), undefined);
  });

  it('refuses an unknown level with a 400 naming the field as the caller spelled it', () => {
    for (const path of ['reasoning_effort', 'reasoning.effort']) {
      assert.throws(
        () => readOpenAIReasoningEffort('extreme', path),
        (error: unknown) =>
          error instanceof GatewayError &&
          error.code === 'invalid_request' &&
          error.param === path &&
          error.message === `${path} must be one of none, minimal, low, medium, high, xhigh, max.`,
      );
    }
  });
});
