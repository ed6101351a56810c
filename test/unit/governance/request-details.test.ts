import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GatewayError } from '../../../src/errors/gateway-error.ts';
import { UpstreamError } from '../../../src/errors/upstream-error.ts';
import { createRequestRecord } from '../../../src/gateway/request-record.ts';
import { requestDetailsOf } from '../../../src/governance/request-details.ts';

const note = (model: string, fallbacks: number, error: unknown) => ({
  provider: 'openai',
  model,
  latencyMs: 12.345,
  fallbacks,
  error,
});

describe('request details', () => {
  it('are nothing for a single successful attempt without logged bodies', () => {
    assert.equal(requestDetailsOf(createRequestRecord('r'), undefined), undefined);
    assert.equal(requestDetailsOf(createRequestRecord('r'), { request: undefined, response: undefined }), undefined);
  });

  it('tell each failed attempt by what followed it: a retry, a fallback, or nothing', () => {
    const record = createRequestRecord('r');
    record.attemptNotes = [
      note('a', 0, new UpstreamError({ provider: 'openai', upstreamStatus: 503, upstreamMessage: 'busy' })),
      note('a', 0, new UpstreamError({ provider: 'openai', upstreamStatus: undefined, upstreamMessage: 'reset' })),
      note('z', 1, new GatewayError('unsupported_parameter', 'no')),
    ];
    const details = requestDetailsOf(record, undefined);
    assert.deepEqual(
      details?.attempts?.map((attempt) => [attempt.model, attempt.outcome, attempt.status, attempt.latencyMs]),
      [
        ['a', 'retried', 503, 12.35],
        ['a', 'fell_back', null, 12.35],
        ['z', 'failed', null, 12.35],
      ],
    );
    assert.equal(details?.attempts?.[2]?.errorCode, 'unsupported_parameter');
    assert.equal(details?.requestBody, null);
  });

  it('keep logged bodies as text any store can hold', () => {
    const details = requestDetailsOf(createRequestRecord('r'), { request: 'a\u0000b\ud800', response: 'ok' });
    assert.deepEqual(details, { requestBody: 'ab\ufffd', responseBody: 'ok', attempts: null });
  });
});
