import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import OpenAI from 'openai';
import { MockOpenAIUpstream } from '../support/mock-openai-upstream.ts';
import { sleep } from '../support/mock-upstream-server.ts';
import { startTestGateway, type TestGateway } from '../support/start-test-gateway.ts';
import { testKeys } from '../support/test-keys.ts';

/** An OTLP/HTTP span as the JSON encoding carries it (ids in hex). */
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: Array<{ key: string; value: Record<string, unknown> }>;
  status?: { code?: number };
}

const spanKind = { server: 2, client: 3 };

/** A loopback OTLP/HTTP receiver: keeps every span posted to /v1/traces. */
class OtlpReceiver {
  readonly spans: OtlpSpan[] = [];
  readonly contentTypes: string[] = [];
  readonly #server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      this.contentTypes.push(request.headers['content-type'] ?? '');
      if (request.url === '/v1/traces') {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
          resourceSpans: Array<{ scopeSpans: Array<{ spans: OtlpSpan[] }> }>;
        };
        for (const resource of body.resourceSpans)
          for (const scope of resource.scopeSpans) this.spans.push(...scope.spans);
      }
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{}');
    });
  });

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  async waitFor(test: (spans: OtlpSpan[]) => boolean): Promise<void> {
    for (let waited = 0; waited < 10_000; waited += 50) {
      if (test(this.spans)) return;
      await sleep(50);
    }
    throw new Error(`spans never arrived; got ${JSON.stringify(this.spans.map((span) => span.name))}`);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}

function attribute(span: OtlpSpan, key: string): unknown {
  const value = span.attributes.find((item) => item.key === key)?.value;
  if (value === undefined) return undefined;
  if ('stringValue' in value) return value['stringValue'];
  if ('intValue' in value) return Number(value['intValue']);
  if ('arrayValue' in value) {
    const values = (value['arrayValue'] as { values?: Array<{ stringValue?: string }> }).values ?? [];
    return values.map((item) => item.stringValue);
  }
  return Object.values(value)[0];
}

const openai = new MockOpenAIUpstream(testKeys.openai);
const receiver = new OtlpReceiver();
let gateway: TestGateway;
let client: OpenAI;

before(async () => {
  await openai.start();
  const endpoint = await receiver.start();
  gateway = await startTestGateway({
    yaml: `
routing:
  backoff_initial_ms: 10
  backoff_max_ms: 20
  cooldown_failures: 1000
models:
  retrying:
    targets: [{ provider: openai, model: gpt-4o }]
    retries: 1
`,
    env: {
      OPENAI_API_KEY: testKeys.openai,
      OPENAI_BASE_URL: openai.baseUrl,
      OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
      OTEL_SERVICE_NAME: 'llm-proxy-test',
    },
  });
  client = new OpenAI({ apiKey: 'unused', baseURL: `${gateway.url}/v1`, maxRetries: 0 });
});

after(async () => {
  await gateway.close();
  await Promise.all([openai.close(), receiver.close()]);
});

describe('OpenTelemetry tracing (OTLP/HTTP)', () => {
  it('continues the caller’s trace: a SERVER span per request, a CLIENT span per attempt, GenAI attributes', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const callerSpanId = '00f067aa0ba902b7';
    await client.chat.completions.create(
      { model: 'openai/gpt-4o', messages: [{ role: 'user', content: 'hi' }] },
      { headers: { traceparent: `00-${traceId}-${callerSpanId}-01` } },
    );
    await receiver.waitFor((spans) => spans.filter((span) => span.traceId === traceId).length >= 2);
    const spans = receiver.spans.filter((span) => span.traceId === traceId);
    const server = spans.find((span) => span.kind === spanKind.server);
    const attempt = spans.find((span) => span.kind === spanKind.client);
    assert.ok(server !== undefined && attempt !== undefined);
    assert.equal(server.name, 'POST /v1/chat/completions');
    assert.equal(server.parentSpanId, callerSpanId);
    assert.equal(attempt.parentSpanId, server.spanId);
    assert.equal(attempt.name, 'chat gpt-4o');
    assert.equal(attribute(server, 'gen_ai.operation.name'), 'chat');
    assert.equal(attribute(server, 'gen_ai.request.model'), 'openai/gpt-4o');
    assert.equal(attribute(server, 'gen_ai.response.model'), 'gpt-4o');
    assert.equal(attribute(server, 'gen_ai.provider.name'), 'openai');
    assert.equal(attribute(server, 'gen_ai.system'), 'openai');
    assert.ok(Number(attribute(server, 'gen_ai.usage.input_tokens')) > 0);
    assert.ok(Number(attribute(server, 'gen_ai.usage.output_tokens')) > 0);
    assert.deepEqual(attribute(server, 'gen_ai.response.finish_reasons'), ['stop']);
    assert.equal(attribute(server, 'http.response.status_code'), 200);
    assert.equal(attribute(attempt, 'gen_ai.provider.name'), 'openai');
    assert.equal(attribute(attempt, 'gen_ai.request.model'), 'gpt-4o');
    assert.equal(attribute(attempt, 'server.address'), '127.0.0.1');
    // The upstream got the attempt's context, so the provider's own spans would join this trace.
    assert.equal(openai.lastRequest.headers['traceparent'], `00-${traceId}-${attempt.spanId}-01`);
    assert.ok(receiver.contentTypes.every((type) => type.startsWith('application/json')));
  });

  it('starts a trace when the caller sends none, and shows each retry as its own attempt span', async () => {
    openai.enqueue({ status: 503, body: { error: { message: 'overloaded', type: 'server_error', code: null } } });
    await client.chat.completions.create({ model: 'retrying', messages: [{ role: 'user', content: 'again' }] });
    await receiver.waitFor((spans) =>
      spans.some((span) => span.kind === spanKind.server && attribute(span, 'gen_ai.request.model') === 'retrying'),
    );
    const server = receiver.spans.find(
      (span) => span.kind === spanKind.server && attribute(span, 'gen_ai.request.model') === 'retrying',
    );
    assert.ok(server !== undefined);
    assert.equal(server.parentSpanId ?? '', '');
    await receiver.waitFor((spans) => spans.filter((span) => span.parentSpanId === server.spanId).length >= 2);
    const attempts = receiver.spans.filter((span) => span.parentSpanId === server.spanId);
    assert.equal(attempts.length, 2);
    assert.equal(attempts.filter((span) => attribute(span, 'error.type') === 'upstream_error').length, 1);
    assert.equal(attempts.filter((span) => span.status?.code === 2).length, 1);
    assert.equal(attribute(server, 'llm_proxy.attempts'), 2);
  });
});

describe('tracing off', () => {
  it('sends no trace context upstream', async () => {
    const plain = new MockOpenAIUpstream(testKeys.openai);
    await plain.start();
    const quiet = await startTestGateway({
      env: { OPENAI_API_KEY: testKeys.openai, OPENAI_BASE_URL: plain.baseUrl },
    });
    try {
      const quietClient = new OpenAI({ apiKey: 'unused', baseURL: `${quiet.url}/v1`, maxRetries: 0 });
      await quietClient.chat.completions.create(
        { model: 'openai/gpt-4o', messages: [{ role: 'user', content: 'hi' }] },
        { headers: { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' } },
      );
      assert.equal(plain.lastRequest.headers['traceparent'], undefined);
    } finally {
      await quiet.close();
      await plain.close();
    }
  });
});
