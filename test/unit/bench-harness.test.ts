import assert from 'node:assert/strict';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { parseAnnotate } from '../../bench/lib/callgrind.ts';
import { anthropicAnswer, openAIAnswer } from '../../bench/lib/canned-answers.ts';
import { stopAll } from '../../bench/lib/processes.ts';
import { medianRoundRatio, percentile } from '../../bench/lib/stats.ts';
import { chatBody, startCannedUpstream } from '../../bench/lib/systems.ts';
import { parseWrk } from '../../bench/lib/wrk.ts';

const run = promisify(execFile);
const bench = join(import.meta.dirname, '..', '..', 'bench');

const wrkReport = `Running 1s test @ http://127.0.0.1:9100/v1/chat/completions
  1 threads and 64 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     5.21ms    1.26ms  14.00ms   92.30%
  Latency Distribution
     50%  950.00us
     75%    2.09ms
     90%    3.26ms
     99%    1.20s
  12884 requests in 1.01s, 6.38MB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 4
Requests/sec:  12773.70
Transfer/sec:      6.32MB
`;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

describe('benchmark harness', () => {
  it('reads wrk reports: rate, percentiles in any unit, and every kind of failure', () => {
    assert.deepEqual(parseWrk(wrkReport), { rps: 12773.7, p50Ms: 0.95, p90Ms: 3.26, p99Ms: 1200, failures: 7 });
    assert.throws(() => parseWrk('unable to connect'), /unreadable wrk output/);
  });

  it('splits callgrind counts into work, garbage collection and JIT compiling, naming JIT frames', () => {
    const annotate = `--------------------------------------------------------------------------------
900 (100.0%)  PROGRAM TOTALS

--------------------------------------------------------------------------------
Ir  file:function
--------------------------------------------------------------------------------
400 (44.44%)  ???:0x0000000000001010 [???]
200 (22.22%)  ???:v8::internal::Scavenger::ScavengeObject(v8::internal::FullHeapObjectSlot) [/usr/bin/node]
150 (16.67%)  ???:v8::internal::compiler::GraphReducer::Reduce(v8::internal::compiler::Node*) [/usr/bin/node]
100 (11.11%)  ./malloc/./malloc/malloc.c:_int_malloc [/usr/lib/x86_64-linux-gnu/libc.so.6]
 50 ( 5.56%)  ???:0x0000000000009999 [???]
`;
    const perfMap = [{ start: 0x1000, size: 0x100, name: "JS:*'forward src/providers/x.ts:1:1" }];
    const breakdown = parseAnnotate(annotate, perfMap);
    assert.equal(breakdown.total, 900);
    assert.deepEqual(breakdown.byShare, { gc: 200, jit: 150, work: 550 });
    assert.deepEqual(
      breakdown.functions.map((entry) => [entry.name, entry.instructions, entry.share]),
      [
        ["JS JS:*'forward src/providers/x.ts:1:1", 400, 'work'],
        ['v8::internal::Scavenger::ScavengeObject(v8::internal::FullHeapObjectSlot)', 200, 'gc'],
        ['v8::internal::compiler::GraphReducer::Reduce(v8::internal::compiler::Node*)', 150, 'jit'],
        ['./malloc/./malloc/malloc.c:_int_malloc', 100, 'work'],
        ['JS unknown', 50, 'work'],
      ],
    );
  });

  it('names a JIT address after the newest code at it, when V8 reused the memory of collected code', () => {
    const annotate = `900 (100.0%)  PROGRAM TOTALS
500 (55.56%)  ???:0x0000000000001090 [???]
300 (33.33%)  ???:0x0000000000001010 [???]
100 (11.11%)  ???:0x0000000000001200 [???]
`;
    // As V8 writes the map: an older function at 0x1000-0x1100, later a newer one over part of it.
    const perfMap = [
      { start: 0x1000, size: 0x100, name: "JS:+'dirname node:path:1:1" },
      { start: 0x1200, size: 0x10, name: "JS:*'send src/x.ts:1:1" },
      { start: 0x1080, size: 0x40, name: "JS:+'parseJsonBody src/y.ts:1:1" },
    ];
    assert.deepEqual(
      parseAnnotate(annotate, perfMap).functions.map((entry) => [entry.name, entry.instructions]),
      [
        ["JS JS:+'parseJsonBody src/y.ts:1:1", 500],
        ["JS JS:+'dirname node:path:1:1", 300],
        ["JS JS:*'send src/x.ts:1:1", 100],
      ],
    );
  });

  it("compares two systems round by round, so that a slow round for one is not set against a fast one's", () => {
    // Round 3 was slow for the first system and fast for the second: the medians (4,100 and 6,250) put
    // the first at 66%; round by round it ran at 80% of the second in four rounds of five.
    const governed = [4_000, 4_100, 2_000, 5_000, 5_200];
    const bare = [5_000, 5_100, 9_000, 6_250, 6_500];
    assert.equal(medianRoundRatio(governed, bare), 0.8);
    assert.equal(medianRoundRatio([1, 2], [2]), 0.5, 'only rounds with both figures count');
    assert.ok(Number.isNaN(medianRoundRatio([], [])));
  });

  it('takes nearest-rank percentiles', () => {
    assert.equal(percentile([5, 1, 4, 2, 3], 50), 3);
    assert.equal(percentile([5, 1, 4, 2, 3], 100), 5);
    assert.equal(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 99), 10);
    assert.ok(Number.isNaN(percentile([], 50)));
  });

  it('builds 1 KB request bodies with stream first, where the mock looks for it', () => {
    const body = chatBody('openai/gpt-bench', true);
    assert.ok(Math.abs(Buffer.byteLength(body) - 1024) <= 2, `${Buffer.byteLength(body)} bytes`);
    assert.ok(body.startsWith('{"stream":true,'));
    assert.equal(JSON.parse(chatBody('m', false)).stream, undefined);
  });

  describe('against the bench mock', () => {
    let mock: ChildProcess;
    let origin: string;
    const dir = mkdtempSync(join(tmpdir(), 'llm-proxy-bench-'));

    before(async () => {
      const port = await freePort();
      origin = `http://127.0.0.1:${port}`;
      mock = spawn(
        process.execPath,
        [join(bench, 'mock-upstream.ts'), '--port', String(port), '--chunks', '8', '--chunk-gap-ms', '1'],
        { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] },
      );
      await new Promise((resolve) => mock.once('message', resolve));
    });
    after(() => mock.kill());

    it('the stream probe times every stamped token of every stream', async () => {
      const file = join(dir, 'stream.json');
      const request = { url: `${origin}/v1/chat/completions`, headers: {}, body: chatBody('gpt-bench', true) };
      writeFileSync(file, JSON.stringify(request));
      const { stdout } = await run(process.execPath, [
        join(bench, 'stream-probe.ts'),
        '--request',
        file,
        '--count',
        '3',
        '--chunks',
        '8',
      ]);
      const probe = JSON.parse(stdout) as { ttftMs: number[]; chunkDelayMs: number[]; failures: number };
      assert.equal(probe.failures, 0);
      assert.equal(probe.ttftMs.length, 3);
      assert.equal(probe.chunkDelayMs.length, 24);
      assert.ok(probe.chunkDelayMs.every((delay) => delay >= 0 && delay < 1000));
    });

    it('the open-loop generator sends at the asked rate and answers for each request', async () => {
      const file = join(dir, 'open.json');
      const request = { url: `${origin}/v1/messages`, headers: {}, body: '{"model":"claude-bench"}' };
      writeFileSync(file, JSON.stringify(request));
      const started = performance.now();
      const { stdout } = await run(process.execPath, [
        join(bench, 'open-loop.ts'),
        '--request',
        file,
        '--rate',
        '200',
        '--seconds',
        '1',
      ]);
      const result = JSON.parse(stdout) as { sent: number; completed: number; failures: number; p99Ms: number };
      assert.equal(result.sent, 200);
      assert.equal(result.completed, 200);
      assert.equal(result.failures, 0);
      assert.ok(performance.now() - started >= 1000, 'requests were spread over the second');
    });

    it('the Node floor proxy passes JSON answers and every chunk of a stream through', async () => {
      const port = await freePort();
      const floor = spawn(
        process.execPath,
        [join(bench, 'node-floor-proxy.ts'), '--port', String(port), '--upstream', origin],
        { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] },
      );
      try {
        await new Promise((resolve) => floor.once('message', resolve));
        const url = `http://127.0.0.1:${port}/v1/chat/completions`;
        const json = await fetch(url, { method: 'POST', body: chatBody('gpt-bench', false) });
        assert.equal(json.status, 200);
        assert.match(
          ((await json.json()) as { choices: { message: { content: string } }[] }).choices[0]?.message.content ?? '',
          /Hello from the benchmark/,
        );
        const stream = await fetch(url, { method: 'POST', body: chatBody('gpt-bench', true) });
        assert.equal(stream.headers.get('content-type'), 'text/event-stream');
        const text = await stream.text();
        assert.equal(text.match(/tok@\d+/g)?.length, 8);
        assert.ok(text.endsWith('data: [DONE]\n\n'));
      } finally {
        floor.kill();
      }
    });

    it('the Node floor proxy sends streams to --stream-upstream and JSON calls to --upstream', async () => {
      const port = await freePort();
      // Nothing listens on the JSON upstream: a JSON call fails there, a stream is answered by the mock.
      const deadUpstream = `http://127.0.0.1:${await freePort()}`;
      const floor = spawn(
        process.execPath,
        [
          join(bench, 'node-floor-proxy.ts'),
          '--port',
          String(port),
          '--upstream',
          deadUpstream,
          '--stream-upstream',
          origin,
        ],
        { stdio: ['ignore', 'ignore', 'ignore', 'ipc'] },
      );
      try {
        await new Promise((resolve) => floor.once('message', resolve));
        const url = `http://127.0.0.1:${port}/v1/chat/completions`;
        const stream = await fetch(url, { method: 'POST', body: chatBody('gpt-bench', true) });
        assert.equal((await stream.text()).match(/tok@\d+/g)?.length, 8);
        const json = await fetch(url, { method: 'POST', body: chatBody('gpt-bench', false) });
        assert.equal(json.status, 502);
      } finally {
        floor.kill();
      }
    });
  });

  it('the canned nginx upstream answers Chat Completions and Messages with the mock’s bytes, as JSON', {
    skip: ['/usr/sbin/nginx', '/usr/bin/nginx'].some((path) => existsSync(path)) ? false : 'nginx is not installed',
  }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'llm-proxy-canned-'));
    try {
      const origin = await startCannedUpstream(dir, 0, await freePort());
      assert.ok(origin !== undefined);
      for (const [path, answer] of [
        ['/v1/chat/completions', openAIAnswer],
        ['/v1/messages', anthropicAnswer],
      ] as const) {
        // Two calls on one connection: the body is read and dropped, and the connection kept.
        for (let call = 0; call < 2; call++) {
          const response = await fetch(`${origin}${path}`, { method: 'POST', body: chatBody('gpt-bench', false) });
          assert.equal(response.status, 200);
          assert.equal(response.headers.get('content-type'), 'application/json');
          assert.equal(await response.text(), answer);
        }
      }
    } finally {
      await stopAll();
    }
  });
});
