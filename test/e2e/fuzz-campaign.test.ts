import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { after, before, describe, it } from 'node:test';
import { Pool } from 'undici';
import type { FuzzContext } from '../support/fuzz/fuzz-routes.ts';
import { fuzzBodyLimitBytes } from '../support/fuzz/mutate-json-body.ts';
import { formatFailures, runFuzzCampaign } from '../support/fuzz/run-fuzz-campaign.ts';
import { seedFromEnvironment } from '../support/fuzz/seeded-random.ts';
import { MockLenientUpstream } from '../support/mock-lenient-upstream.ts';
import { sleep } from '../support/mock-upstream-server.ts';
import { createPostgresSchema } from '../support/postgres-schema.ts';
import { postJson, startTestGateway, type TestGateway } from '../support/start-test-gateway.ts';
import { testKeys } from '../support/test-keys.ts';

/**
 * The fuzz campaign (#26): thousands of generated malformed requests — mutated bodies, odd headers,
 * framing, query strings, paths and methods — on every route, against each store, with a valid gateway
 * key (and the master key on admin routes) so the checks go past authentication. Invariants: no 5xx (the
 * upstream mock answers everything validly, so a 5xx is the gateway's), every error a JSON object, no
 * hang, no reset, no secret in an answer; and afterwards the gateway still serves, records usage, and
 * no prototype was polluted.
 *
 * FUZZ_COUNT (requests per store, default 5000), FUZZ_SEED (reproduce a run), FUZZ_REPLAY (send only
 * that request index of the seed's sequence), FUZZ_CONCURRENCY (default 16), FUZZ_LOG_FILE (write the
 * gateway's log lines there).
 */
const count = Number(process.env['FUZZ_COUNT'] ?? 5_000);
const seed = seedFromEnvironment(process.env['FUZZ_SEED']);
const replay = process.env['FUZZ_REPLAY'] === undefined ? undefined : Number(process.env['FUZZ_REPLAY']);
const concurrency = Number(process.env['FUZZ_CONCURRENCY'] ?? 16);

/** Longer than any scheduling hiccup of a loaded machine; a request blocking the loop longer is a defect. */
const maxEventLoopBlockMs = 3_000;
const masterKey = 'mk-fuzz-master-key-2f8d1c7a9e3b5064';
const metricsToken = 'metrics-fuzz-token-6b0e2d4c';
const yaml = `
server:
  body_limit_bytes: ${fuzzBodyLimitBytes}
routing:
  retries: 0
governance:
  usage_flush_interval_ms: 50
models:
  fuzz-alias: openai/gpt-4o
`;

type Json = Record<string, unknown>;

function fuzzAgainst(store: 'SQLite' | 'Postgres') {
  describe(`fuzz campaign (${store})`, () => {
    const upstream = new MockLenientUpstream();
    let gateway: TestGateway;
    let pool: Pool;
    let dropSchema: (() => Promise<void>) | undefined;

    const admin = async (method: string, path: string, body?: Json) => {
      const response = await fetch(`${gateway.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${masterKey}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: response.status, json: (await response.json()) as Json };
    };
    const createKey = async (name: string) => {
      const created = await admin('POST', '/admin/keys', { name });
      assert.equal(created.status, 201, JSON.stringify(created.json));
      return { id: String(created.json['id']), key: String(created.json['key']) };
    };

    before(async () => {
      await upstream.start();
      let databaseUrl = 'sqlite::memory:';
      if (store === 'Postgres') {
        const schema = await createPostgresSchema();
        databaseUrl = schema.url;
        dropSchema = () => schema.drop();
      }
      gateway = await startTestGateway({
        yaml,
        env: {
          LLM_PROXY_MASTER_KEY: masterKey,
          LLM_PROXY_METRICS_TOKEN: metricsToken,
          DATABASE_URL: databaseUrl,
          OPENAI_API_KEY: testKeys.openai,
          OPENAI_BASE_URL: upstream.openaiBaseUrl,
          ANTHROPIC_API_KEY: testKeys.anthropic,
          ANTHROPIC_BASE_URL: upstream.origin,
        },
      });
      pool = new Pool(gateway.url, { connections: concurrency, headersTimeout: 12_000, bodyTimeout: 12_000 });
    });
    after(async () => {
      await pool?.close();
      await gateway?.close();
      await upstream.close();
      await dropSchema?.();
    });

    // A generous bound for loaded machines (npm test runs four files at once): a store's campaign costs about
    // 16 s of CPU, 30–75 s on a shared 2-core machine alone, up to 3 minutes beside three other test files.
    const timeout = 300_000;
    it(`${count} malformed requests on every route: no 5xx, only JSON errors, no hang, still healthy`, {
      timeout,
    }, async (t) => {
      const gatewayKey = await createKey('fuzz gateway key');
      const victims = await Promise.all([1, 2, 3, 4, 5].map((index) => createKey(`fuzz victim ${index}`)));
      const context: FuzzContext = {
        gatewayKey: gatewayKey.key,
        gatewayKeyId: gatewayKey.id,
        masterKey,
        metricsToken,
        victimKeyIds: victims.map((victim) => victim.id),
      };
      const { hostname, port } = new URL(gateway.url);
      t.diagnostic(`FUZZ_SEED=${seed} FUZZ_COUNT=${count}`);
      // The gateway runs in this process: a request that blocks its event loop shows here.
      const loopDelay = monitorEventLoopDelay({ resolution: 20 });
      loopDelay.enable();
      const result = await runFuzzCampaign({
        seed,
        count,
        concurrency,
        context,
        target: { pool, host: hostname, port: Number(port) },
        secrets: [masterKey, metricsToken, testKeys.openai, testKeys.anthropic],
        ...(replay === undefined ? {} : { replay }),
        periodically: { every: 500, run: () => upstream.reset() },
      });
      t.diagnostic(`statuses: ${JSON.stringify(Object.fromEntries([...result.statuses].sort()))}`);
      t.diagnostic(
        `slowest: ${result.slowest.map((entry) => `[${entry.index}] ${entry.ms} ms ${entry.label.slice(0, 80)}`).join('; ')}`,
      );
      loopDelay.disable();
      const afterwards = await checkStillHealthy(gateway, admin, createKey);
      const blockedMs = Math.round(loopDelay.max / 1e6);
      if (blockedMs > maxEventLoopBlockMs)
        afterwards.push(
          `the event loop was blocked for ${blockedMs} ms at once; the slowest requests: ${result.slowest.map((entry) => `[${entry.index}] ${entry.ms} ms ${entry.label.slice(0, 100)}`).join('; ')}`,
        );
      const logFile = process.env['FUZZ_LOG_FILE'];
      if (logFile !== undefined) writeFileSync(logFile, `${gateway.logs.join('\n')}\n`);
      assert.equal(result.sent, replay === undefined ? count : 1);
      const report = [
        result.classes.size === 0 ? '' : formatFailures(result, store),
        afterwards.length === 0
          ? ''
          : `after the campaign (FUZZ_SEED=${seed}):\n${afterwards.map((problem) => `- ${problem}`).join('\n')}`,
      ].filter((part) => part !== '');
      if (report.length > 0) t.diagnostic(report.join('\n'));
      assert.equal(report.length, 0, report.join('\n'));
    });
  });
}

/** What is wrong with the gateway after the campaign: it must still serve, record usage, and log no error. */
async function checkStillHealthy(
  gateway: TestGateway,
  admin: (method: string, path: string, body?: Json) => Promise<{ status: number; json: Json }>,
  createKey: (name: string) => Promise<{ id: string; key: string }>,
): Promise<string[]> {
  const problems: string[] = [];
  for (const path of ['/health/live', '/health/ready']) {
    // Three tries: readiness allows its dependencies a second each, which a loaded machine may miss once.
    let answer = '';
    for (let attempt = 0; attempt < 3; attempt++) {
      const response = await fetch(`${gateway.url}${path}`);
      answer = response.status === 200 ? '' : `${path}: ${response.status} ${await response.text()}`;
      if (answer === '') break;
      await sleep(500);
    }
    if (answer !== '') problems.push(answer);
  }
  const probe = await createKey('fuzz probe');
  const headers = { authorization: `Bearer ${probe.key}` };
  const calls = [
    postJson(
      `${gateway.url}/v1/chat/completions`,
      { model: 'openai/gpt-4o', messages: [{ role: 'user', content: 'hi' }] },
      headers,
    ),
    postJson(
      `${gateway.url}/v1/messages`,
      { model: 'anthropic/claude-sonnet-4-6', max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] },
      { ...headers, 'anthropic-version': '2023-06-01' },
    ),
    postJson(`${gateway.url}/chat`, { provider: 'openai', model: 'gpt-4o', prompt: 'hi' }, headers),
  ];
  for (const call of await Promise.all(calls))
    if (call.status !== 200)
      problems.push(`a valid call after the campaign: ${call.status} ${call.text.slice(0, 200)}`);
  // The usage writer is not stuck: the probe's calls reach the store.
  let recorded = 0;
  for (let attempt = 0; attempt < 40 && recorded < calls.length; attempt++) {
    await sleep(100);
    const usage = await admin('GET', `/admin/usage?key_id=${probe.id}`);
    const rows = Array.isArray(usage.json['data']) ? (usage.json['data'] as Json[]) : [];
    recorded = rows.reduce((sum, row) => sum + Number(row['requests'] ?? 0), 0);
  }
  if (recorded < calls.length)
    problems.push(`usage recorded for the probe key: ${recorded} of ${calls.length} calls after 4 s`);
  if (({} as Json)['polluted'] !== undefined) problems.push('Object.prototype was polluted');
  const errors = new Map<string, number>();
  for (const line of gateway.logs) {
    const entry = JSON.parse(line) as Json;
    if (Number(entry['level']) < 50) continue;
    const error = (entry['err'] ?? {}) as Json;
    const what = `${String(entry['msg'])}: ${String(error['type'])} ${String(error['message']).slice(0, 200)}`;
    errors.set(what, (errors.get(what) ?? 0) + 1);
  }
  for (const [what, times] of errors) problems.push(`error logged ${times}×: ${what}`);
  return problems;
}

fuzzAgainst('SQLite');
fuzzAgainst('Postgres');
