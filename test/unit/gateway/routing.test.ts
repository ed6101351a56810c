import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RoutingPolicy, RoutingStrategy } from '../../../src/config/gateway-config.ts';
import { type ModelGroup, routeTarget } from '../../../src/gateway/model-group.ts';
import { backoffDelayMs, retryAfterMs } from '../../../src/gateway/retry-timing.ts';
import { TargetHealth } from '../../../src/gateway/target-health.ts';
import { TargetPicker } from '../../../src/gateway/target-picker.ts';
import { toUpstreamFailure } from '../../../src/providers/shared/send-upstream-request.ts';
import { seededRandom } from '../../support/seeded-random.ts';

const policy: RoutingPolicy = {
  strategy: 'weighted',
  retries: 2,
  backoffInitialMs: 100,
  backoffMaxMs: 1_000,
  retryAfterMaxMs: 5_000,
  deadlineMs: 60_000,
  cooldownFailures: 3,
  cooldownWindowMs: 10_000,
  cooldownMs: 1_000,
};

function group(strategy: RoutingStrategy, weights: number[] = [1, 1, 1]): ModelGroup {
  return {
    name: `g-${strategy}`,
    strategy,
    retries: 2,
    fallbacks: [],
    contextWindowFallbacks: [],
    rpmLimit: null,
    tpmLimit: null,
    targets: weights.map((weight, index) =>
      routeTarget({
        provider: 'p',
        model: `m${index}`,
        weight,
        maxOutputTokens: undefined,
        timeouts: undefined,
        params: undefined,
      }),
    ),
  };
}

const none = { excluded: new Set<string>(), tried: new Set<string>() };

describe('target picker strategies', () => {
  it('weighted: picks in proportion to weight', async () => {
    // Seeded: the ratio of 4,000 draws is the same every run, never a flaky tail.
    const picker = new TargetPicker(new TargetHealth(policy), seededRandom(21));
    const counts = new Map<string, number>();
    for (let index = 0; index < 4000; index++) {
      const target = await picker.pick(group('weighted', [1, 3, 0.0001]), none);
      counts.set(target?.model ?? '', (counts.get(target?.model ?? '') ?? 0) + 1);
    }
    const ratio = (counts.get('m1') ?? 0) / (counts.get('m0') ?? 1);
    assert.ok(ratio > 2.5 && ratio < 3.5, `m1:m0 was ${ratio}, expected about 3`);
  });

  it('round-robin: takes turns', async () => {
    const picker = new TargetPicker(new TargetHealth(policy));
    const order = [];
    for (let index = 0; index < 6; index++) order.push((await picker.pick(group('round-robin'), none))?.model);
    assert.deepEqual(order, ['m0', 'm1', 'm2', 'm0', 'm1', 'm2']);
  });

  it('least-in-flight: picks the least busy', async () => {
    const health = new TargetHealth(policy);
    const picker = new TargetPicker(health);
    health.begin('p/m0');
    health.begin('p/m0');
    health.begin('p/m2');
    assert.equal((await picker.pick(group('least-in-flight'), none))?.model, 'm1');
  });

  it('lowest-latency: measures every target first, then prefers the fastest', async () => {
    const health = new TargetHealth(policy);
    const picker = new TargetPicker(health);
    health.succeeded('p/m0', 300);
    health.succeeded('p/m1', 50);
    assert.equal((await picker.pick(group('lowest-latency'), none))?.model, 'm2', 'the unmeasured one first');
    health.succeeded('p/m2', 120);
    assert.equal((await picker.pick(group('lowest-latency'), none))?.model, 'm1');
  });

  it('avoids targets already tried in this request, and never picks excluded ones', async () => {
    const picker = new TargetPicker(new TargetHealth(policy));
    const target = await picker.pick(group('weighted'), { excluded: new Set(['p/m0']), tried: new Set(['p/m1']) });
    assert.equal(target?.model, 'm2');
    assert.equal(
      await picker.pick(group('weighted'), { excluded: new Set(['p/m0', 'p/m1', 'p/m2']), tried: new Set() }),
      undefined,
    );
  });
});

describe('target health (circuit breaker)', () => {
  it('opens after N failures in the window, half-opens for one probe after the cool-down, closes on success', async () => {
    let now = 1_000_000;
    const health = new TargetHealth(policy, () => now);
    const failure = { rateLimited: false, retryAfterMs: undefined };
    health.failed('t', failure);
    health.failed('t', failure);
    assert.equal(health.availability('t'), 'available');
    health.failed('t', failure);
    assert.equal(health.availability('t'), 'cooling');
    now += 1_001;
    assert.equal(health.availability('t'), 'probe');
    assert.equal(await health.claimProbe('t'), true);
    assert.equal(await health.claimProbe('t'), false, 'only one probe');
    assert.equal(health.availability('t'), 'cooling', 'others keep skipping while it probes');
    health.succeeded('t', 10);
    assert.equal(health.availability('t'), 'available');
  });

  it('a failed probe reopens the breaker; old failures leave the window', async () => {
    let now = 0;
    const health = new TargetHealth(policy, () => now);
    for (let index = 0; index < 3; index++) health.failed('t', { rateLimited: false, retryAfterMs: undefined });
    now += 1_001;
    await health.claimProbe('t');
    health.failed('t', { rateLimited: false, retryAfterMs: undefined });
    assert.equal(health.availability('t'), 'cooling');
    const other = new TargetHealth(policy, () => now);
    other.failed('u', { rateLimited: false, retryAfterMs: undefined });
    other.failed('u', { rateLimited: false, retryAfterMs: undefined });
    now += 10_001;
    other.failed('u', { rateLimited: false, retryAfterMs: undefined });
    assert.equal(other.availability('u'), 'available', 'failures older than the window do not count');
  });

  it('a 429 opens at once, for the upstream’s Retry-After when given', () => {
    let now = 0;
    const health = new TargetHealth(policy, () => now);
    health.failed('t', { rateLimited: true, retryAfterMs: 20_000 });
    now += 19_000;
    assert.equal(health.availability('t'), 'cooling');
    now += 1_001;
    assert.equal(health.availability('t'), 'probe');
  });

  it('an abandoned probe (the caller left) frees the probe for someone else', async () => {
    let now = 0;
    const health = new TargetHealth(policy, () => now);
    health.failed('t', { rateLimited: true, retryAfterMs: undefined });
    now += 1_001;
    assert.equal(await health.claimProbe('t'), true);
    health.abandoned('t');
    assert.equal(health.availability('t'), 'probe');
  });
});

describe('retry timing', () => {
  it('full jitter: never above min(max, initial·2^n), and Retry-After is a floor', () => {
    for (let retry = 0; retry < 8; retry++) {
      const ceiling = Math.min(policy.backoffMaxMs, policy.backoffInitialMs * 2 ** retry);
      assert.ok(backoffDelayMs(policy, retry, undefined, () => 0.999) < ceiling);
      assert.equal(
        backoffDelayMs(policy, retry, undefined, () => 0),
        0,
      );
    }
    assert.equal(
      backoffDelayMs(policy, 0, 2_500, () => 0.5),
      2_500,
    );
  });

  it('reads retry-after-ms, retry-after seconds and HTTP dates', () => {
    assert.equal(retryAfterMs({ 'retry-after-ms': '250' }), 250);
    assert.equal(retryAfterMs({ 'retry-after': '3' }), 3_000);
    assert.equal(retryAfterMs({ 'retry-after': new Date(10_000).toUTCString() }, 4_000), 6_000);
    assert.equal(retryAfterMs({ 'retry-after': 'soon' }), undefined);
    assert.equal(retryAfterMs({}), undefined);
  });
});

describe('upstream failure mapping', () => {
  it('each timeout kind of undici is a retryable 504', () => {
    for (const code of ['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']) {
      const failure = toUpstreamFailure(Object.assign(new Error(code), { code }), 'openai');
      assert.equal(failure.code, 'upstream_timeout');
      assert.equal(failure.status, 504);
      assert.equal((failure as { isRetryable?: boolean }).isRetryable, true);
    }
    const refused = toUpstreamFailure(
      Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
      'openai',
    );
    assert.equal(refused.code, 'upstream_unreachable');
  });
});
