import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GatewayError } from '../../../src/errors/gateway-error.ts';
import { frameGeminiStream, geminiStreamErrorEncoder } from '../../../src/http/gemini/gemini-stream-framing.ts';

async function* chunks(...items: string[]): AsyncGenerator<string> {
  yield* items;
}

async function framed(sse: boolean, error: GatewayError): Promise<string> {
  let text = '';
  for await (const piece of frameGeminiStream(chunks('{"a":1}'), sse)) text += piece;
  // A cut stream: the closing bracket of the array comes with the error.
  if (!sse) text = text.slice(0, -'\n]'.length);
  return text + geminiStreamErrorEncoder(sse)(error);
}

describe('geminiStreamErrorEncoder', () => {
  const error = new GatewayError('upstream_error', 'cut');

  it('ends an alt=sse stream with one more event in Google error shape', async () => {
    const text = await framed(true, error);
    const events = text.split('\r\n\r\n').filter((event) => event !== '');
    assert.equal(events.length, 2);
    assert.deepEqual(JSON.parse(events[1]?.slice('data: '.length) ?? ''), {
      error: { code: error.status, message: 'cut', status: 'INTERNAL' },
    });
  });

  it("ends a JSON-array stream with the error as the array's last element", async () => {
    const value: unknown = JSON.parse(await framed(false, error));
    assert.deepEqual(value, [{ a: 1 }, { error: { code: error.status, message: 'cut', status: 'INTERNAL' } }]);
  });
});
