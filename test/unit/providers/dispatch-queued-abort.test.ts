import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { Pool } from 'undici';
import { dispatchBuffered } from '../../../src/providers/shared/dispatch-buffered.ts';
import { dispatchStreaming } from '../../../src/providers/shared/dispatch-streaming.ts';

/**
 * A call whose caller leaves while it waits in the pool for a connection must never reach the upstream:
 * a request sent after its caller has gone is paid for and answered to nobody.
 */
describe('an upstream call aborted while it waits for a connection', () => {
  const call = (signal: AbortSignal) => ({
    path: '/v1/chat/completions',
    headers: { 'content-type': 'application/json' },
    body: '{}',
    signal,
    headersTimeoutMs: 5_000,
  });
  const variants = [
    [
      'dispatchBuffered',
      (pool: Pool, signal: AbortSignal) =>
        dispatchBuffered(pool, { ...call(signal), totalTimeoutMs: 5_000, maxBytes: 1 << 20 }),
    ],
    [
      'dispatchStreaming',
      (pool: Pool, signal: AbortSignal) => dispatchStreaming(pool, { ...call(signal), bodyTimeoutMs: 5_000 }),
    ],
  ] as const;

  for (const [name, send] of variants) {
    it(`${name}: is not sent once a connection frees up`, async () => {
      const seen: string[] = [];
      let releaseFirst: () => void = () => {};
      const server = createServer((request: IncomingMessage, response: ServerResponse) => {
        seen.push(request.headers['x-call'] as string);
        request.resume();
        if (seen.length === 1) releaseFirst = () => response.end('{}');
        else response.end('{}');
      });
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      const pool = new Pool(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, { connections: 1 });
      try {
        const first = send(pool, new AbortController().signal);
        while (seen.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
        const controller = new AbortController();
        const queued = send(pool, controller.signal);
        const reason = new Error('caller gone');
        controller.abort(reason);
        await assert.rejects(queued, (error) => error === reason);
        releaseFirst();
        const answer = await first;
        if ('body' in answer && !(answer.body instanceof Buffer)) for await (const _ of answer.body);
        await new Promise((resolve) => setTimeout(resolve, 100));
        assert.equal(seen.length, 1, 'the upstream saw only the first call');
      } finally {
        await pool.destroy();
        server.close();
      }
    });
  }
});
