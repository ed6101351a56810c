import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRequestRecord } from '../../../src/gateway/request-record.ts';
import { GatewayMetrics } from '../../../src/observability/gateway-metrics.ts';
import { LabelGuard } from '../../../src/observability/label-guard.ts';
import { parsePrometheusText } from '../../support/prometheus-text.ts';

describe('metric label bounds', () => {
  it('a label guard passes the first N values, then answers other', () => {
    const guard = new LabelGuard(2);
    assert.equal(guard.value('a'), 'a');
    assert.equal(guard.value('b'), 'b');
    assert.equal(guard.value('c'), 'other');
    assert.equal(guard.value('a'), 'a');
    assert.equal(guard.value(undefined), 'none');
  });

  it('callers inventing model names cannot grow /metrics past the guard', async () => {
    const metrics = new GatewayMetrics();
    for (let index = 0; index < 500; index++) {
      const record = createRequestRecord(`r${index}`);
      record.model = `openai/invented-${index}`;
      record.errorCode = 'model_not_found';
      metrics.requestStarted();
      metrics.requestEnded(record, '/v1/chat/completions', 404);
    }
    const samples = parsePrometheusText(await metrics.render());
    const models = new Set(
      samples.filter((sample) => sample.name === 'llm_proxy_requests_total').map((sample) => sample.labels['model']),
    );
    assert.equal(models.size, 201);
    assert.ok(models.has('other'));
  });
});
