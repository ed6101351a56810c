import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { routeTarget } from '../../../src/gateway/model-group.ts';
import { digestsEqual, generateApiKey, hashApiKey, secretsEqual } from '../../../src/governance/api-key.ts';
import { budgetPeriodOf } from '../../../src/governance/budget-period.ts';
import type { KeyLimits } from '../../../src/governance/limits/limiter.ts';
import { MemoryLimiter } from '../../../src/governance/limits/memory-limiter.ts';
import { isModelAllowed } from '../../../src/governance/model-access.ts';
import { costOf, PriceTable } from '../../../src/governance/pricing/price-table.ts';
import { UsageRecorder } from '../../../src/governance/usage-recorder.ts';
import type { GovernanceStore, UsageRow } from '../../../src/store/store-records.ts';

describe('gateway keys', () => {
  it('are long random secrets with a visible prefix, stored only as SHA-256', () => {
    const { key, hash, prefix } = generateApiKey();
    assert.match(key, /^sk-llmp-[A-Za-z0-9_-]{32}$/);
    assert.equal(prefix, key.slice(0, 12));
    assert.equal(hash, hashApiKey(key));
    assert.match(hash, /^[0-9a-f]{64}$/);
    assert.notEqual(generateApiKey().key, key);
    assert.equal(secretsEqual(key, key), true);
    assert.equal(secretsEqual(`${key}x`, key), false);
    // Digests compare whole, wherever they differ, and never equal one of another length.
    const digest = hashApiKey(key);
    assert.equal(digestsEqual(digest, hashApiKey(key)), true);
    for (const index of [0, 31, 63]) {
      const changed = `${digest.slice(0, index)}${digest[index] === '0' ? '1' : '0'}${digest.slice(index + 1)}`;
      assert.equal(digestsEqual(changed, digest), false, `differs at ${index}`);
    }
    assert.equal(digestsEqual(digest.slice(0, 63), digest), false);
  });
});

describe('pricing', () => {
  const prices = new PriceTable({
    'openai-eu/*': { input: 9, output: 9, cachedInput: 9, cacheWrite: 9 },
    'openai/gpt-5.6-sol': { input: 6, output: 36, cachedInput: 0.6, cacheWrite: 6 },
  });

  it('prices OpenAI usage: cached tokens at the cached rate, the rest at the input rate', () => {
    const price = prices.lookup('openai', 'openai', 'gpt-4o-2024-08-06');
    assert.ok(price !== undefined, 'a dated snapshot is priced as its base model');
    const cost = costOf(
      {
        inputTokens: 1_000_000,
        outputTokens: 100_000,
        cacheReadTokens: 400_000,
        cacheWriteTokens: 0,
        reasoningTokens: 0,
      },
      price,
    );
    assert.equal(cost.toFixed(6), (0.6 * 2.5 + 0.4 * 1.25 + 0.1 * 10).toFixed(6));
  });

  it('prices Anthropic cache writes at 1.25× and reads at 0.1× input', () => {
    const price = prices.lookup('anthropic', 'anthropic', 'claude-sonnet-4-6');
    assert.ok(price !== undefined);
    const cost = costOf(
      {
        inputTokens: 3_000_000,
        outputTokens: 0,
        cacheReadTokens: 1_000_000,
        cacheWriteTokens: 1_000_000,
        reasoningTokens: 0,
      },
      price,
    );
    assert.equal(cost.toFixed(6), (3 + 0.3 + 3.75).toFixed(6));
  });

  it('config prices extend and override the table, per instance or per type', () => {
    assert.equal(prices.lookup('openai', 'openai', 'gpt-5.6-sol')?.output, 36);
    assert.equal(prices.lookup('openai-eu', 'openai', 'gpt-4o')?.input, 9);
    assert.equal(prices.lookup('openai', 'openai', 'no-such-model'), undefined);
  });

  it('prices a long prompt at the tier it reaches, for all of its tokens (Gemini 2.5 Pro over 200k)', () => {
    const price = prices.lookup('gemini', 'gemini', 'gemini-2.5-pro');
    assert.ok(price !== undefined);
    const usage = { outputTokens: 1_000_000, cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 };
    assert.equal(costOf({ ...usage, inputTokens: 200_000 }, price).toFixed(6), (0.2 * 1.25 + 10).toFixed(6));
    assert.equal(costOf({ ...usage, inputTokens: 200_001 }, price).toFixed(6), (0.200001 * 2.5 + 15).toFixed(6));
  });
});

describe('budget periods (UTC)', () => {
  const now = Date.UTC(2026, 10, 27, 15, 30); // a Friday
  it('daily, weekly (from Monday), monthly, lifetime', () => {
    assert.deepEqual(budgetPeriodOf('daily', now), { start: Date.UTC(2026, 10, 27), end: Date.UTC(2026, 10, 28) });
    assert.deepEqual(budgetPeriodOf('weekly', now), { start: Date.UTC(2026, 10, 23), end: Date.UTC(2026, 10, 30) });
    assert.deepEqual(budgetPeriodOf('monthly', now), { start: Date.UTC(2026, 10, 1), end: Date.UTC(2026, 11, 1) });
    assert.deepEqual(budgetPeriodOf(null, now), { start: 0, end: null });
  });

  it('rolls over exactly at the boundary, and back for an earlier time (the last period is remembered)', () => {
    const midnight = Date.UTC(2026, 10, 28);
    assert.deepEqual(budgetPeriodOf('daily', midnight - 1), { start: Date.UTC(2026, 10, 27), end: midnight });
    assert.deepEqual(budgetPeriodOf('daily', midnight), { start: midnight, end: Date.UTC(2026, 10, 29) });
    assert.deepEqual(budgetPeriodOf('daily', midnight - 1), { start: Date.UTC(2026, 10, 27), end: midnight });
    assert.deepEqual(budgetPeriodOf('monthly', Date.UTC(2026, 11, 31, 23, 59)), {
      start: Date.UTC(2026, 11, 1),
      end: Date.UTC(2027, 0, 1),
    });
    assert.deepEqual(budgetPeriodOf('monthly', Date.UTC(2027, 0, 1)), {
      start: Date.UTC(2027, 0, 1),
      end: Date.UTC(2027, 1, 1),
    });
  });
});

describe('model access', () => {
  const group = (provider: string, model: string) => ({
    name: `${provider}/${model}`,
    strategy: 'weighted' as const,
    retries: 0,
    fallbacks: [],
    contextWindowFallbacks: [],
    rpmLimit: null,
    tpmLimit: null,
    targets: [
      routeTarget({ provider, model, weight: 1, maxOutputTokens: undefined, timeouts: undefined, params: undefined }),
    ],
  });
  it('admits listed names, provider/* patterns and *, and nothing else', () => {
    assert.equal(isModelAllowed(null, 'anything', group('openai', 'x')), true);
    assert.equal(isModelAllowed(['fast'], 'fast', group('openai', 'gpt-4o')), true);
    assert.equal(isModelAllowed(['openai/*'], 'gpt-4o', group('openai', 'gpt-4o')), true);
    assert.equal(isModelAllowed(['openai/*'], 'anthropic/claude', group('anthropic', 'claude')), false);
    assert.equal(isModelAllowed(['fast'], 'openai/gpt-4o', group('openai', 'gpt-4o')), false);
    assert.equal(isModelAllowed(['*'], 'x/y', group('x', 'y')), true);
  });
});

describe('memory limiter', () => {
  const limits = (overrides: Partial<KeyLimits>): KeyLimits => ({
    keyId: 'k',
    rpm: null,
    tpm: null,
    maxParallel: null,
    budget: null,
    ...overrides,
  });
  const now = Date.UTC(2026, 10, 27, 12, 0, 10);

  it('RPM: admits exactly the limit within a window, then says when the window resets', async () => {
    const limiter = new MemoryLimiter(async () => 0);
    const decisions = await Promise.all(
      Array.from({ length: 8 }, () => limiter.acquire({ limits: limits({ rpm: 5 }), tokens: 1, costUsd: 0, now })),
    );
    assert.equal(decisions.filter((decision) => decision.admitted).length, 5);
    const refused = decisions.find((decision) => !decision.admitted);
    assert.ok(refused !== undefined && !refused.admitted);
    assert.equal(refused.reason, 'rpm');
    assert.equal(refused.retryAfterSeconds, 50);
    const next = await limiter.acquire({ limits: limits({ rpm: 5 }), tokens: 1, costUsd: 0, now: now + 60_000 });
    assert.equal(next.admitted, true, 'a new window starts fresh');
  });

  it('TPM: reserves the estimate, then reconciles with actual use', async () => {
    const limiter = new MemoryLimiter(async () => 0);
    const first = await limiter.acquire({ limits: limits({ tpm: 1000 }), tokens: 600, costUsd: 0, now });
    assert.ok(first.admitted);
    assert.equal(
      (await limiter.acquire({ limits: limits({ tpm: 1000 }), tokens: 600, costUsd: 0, now })).admitted,
      false,
    );
    await limiter.settle(first.reservation, { tokens: 100, costUsd: 0 });
    assert.equal(
      (await limiter.acquire({ limits: limits({ tpm: 1000 }), tokens: 600, costUsd: 0, now })).admitted,
      true,
    );
  });

  it('budget: spend from the store plus in-flight reservations never pass the limit', async () => {
    const limiter = new MemoryLimiter(async () => 0.5);
    const budget = { limitUsd: 1, periodStart: 0, periodEnd: null };
    const first = await limiter.acquire({ limits: limits({ budget }), tokens: 1, costUsd: 0.3, now });
    assert.ok(first.admitted);
    const second = await limiter.acquire({ limits: limits({ budget }), tokens: 1, costUsd: 0.3, now });
    assert.equal(second.admitted, false, '0.5 spent + 0.3 reserved + 0.3 > 1');
    await limiter.settle(first.reservation, { tokens: 1, costUsd: 0.1 });
    assert.equal((await limiter.acquire({ limits: limits({ budget }), tokens: 1, costUsd: 0.3, now })).admitted, true);
  });

  it('parallel: slots are freed on settle', async () => {
    const limiter = new MemoryLimiter(async () => 0);
    const first = await limiter.acquire({ limits: limits({ maxParallel: 1 }), tokens: 1, costUsd: 0, now });
    assert.ok(first.admitted);
    assert.equal(
      (await limiter.acquire({ limits: limits({ maxParallel: 1 }), tokens: 1, costUsd: 0, now })).admitted,
      false,
    );
    await limiter.settle(first.reservation, { tokens: 1, costUsd: 0 });
    assert.equal(
      (await limiter.acquire({ limits: limits({ maxParallel: 1 }), tokens: 1, costUsd: 0, now })).admitted,
      true,
    );
  });
});

describe('usage recorder', () => {
  const row = (index: number): UsageRow => ({
    requestId: `r${index}`,
    keyId: null,
    model: 'm',
    provider: 'p',
    upstreamModel: 'm',
    route: '/x',
    stream: false,
    status: 200,
    errorCode: null,
    inputTokens: 1,
    outputTokens: 1,
    cachedTokens: 0,
    cacheWriteTokens: 0,
    reasoningTokens: 0,
    costUsd: null,
    latencyMs: 1,
    ttftMs: null,
    attempts: 1,
    startedAt: 0,
    finishedAt: 0,
    cacheHit: false,
  });

  function fakeStore(fail = false) {
    const batches: UsageRow[][] = [];
    const store = {
      insertUsage: async (rows: readonly UsageRow[]) => {
        if (fail) throw new Error('database down');
        batches.push([...rows]);
      },
    } as Pick<GovernanceStore, 'insertUsage'> as GovernanceStore;
    return { store, batches };
  }

  it('writes in batches and flushes everything on close', async () => {
    const { store, batches } = fakeStore();
    const recorder = new UsageRecorder({
      store,
      queueSize: 100,
      batchSize: 4,
      flushIntervalMs: 60_000,
      onError: () => undefined,
    });
    for (let index = 0; index < 12; index++) recorder.record(row(index));
    await recorder.close();
    assert.equal(batches.flat().length, 12);
    assert.ok(batches.every((batch) => batch.length <= 4));
    assert.equal(recorder.queued, 0);
    assert.equal(recorder.dropped, 0);
  });

  it('never blocks a request: past the bound, rows are dropped and counted', async () => {
    const { store, batches } = fakeStore();
    const recorder = new UsageRecorder({
      store,
      queueSize: 3,
      batchSize: 100,
      flushIntervalMs: 60_000,
      onError: () => undefined,
    });
    for (let index = 0; index < 5; index++) recorder.record(row(index));
    assert.equal(recorder.dropped, 2);
    await recorder.close();
    assert.deepEqual(
      batches.flat().map((item) => item.requestId),
      ['r0', 'r1', 'r2'],
    );
  });

  it('keeps rows queued when the store fails, and writes them once it is back', async () => {
    const failing = fakeStore(true);
    const recorder = new UsageRecorder({
      store: failing.store,
      queueSize: 100,
      batchSize: 10,
      flushIntervalMs: 60_000,
      onError: () => undefined,
    });
    for (let index = 0; index < 5; index++) recorder.record(row(index));
    await recorder.flush();
    assert.equal(recorder.queued, 5);
    assert.equal(recorder.dropped, 0);
  });
});
