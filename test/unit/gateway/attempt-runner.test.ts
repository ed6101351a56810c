import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RoutingPolicy } from '../../../src/config/gateway-config.ts';
import { GatewayError } from '../../../src/errors/gateway-error.ts';
import { UpstreamError } from '../../../src/errors/upstream-error.ts';
import { type Attempt, type AttemptResolver, AttemptRunner } from '../../../src/gateway/attempt-runner.ts';
import { silentObserver } from '../../../src/gateway/gateway-observer.ts';
import { type ModelGroup, routeTarget } from '../../../src/gateway/model-group.ts';
import { createRequestRecord } from '../../../src/gateway/request-record.ts';
import { TargetHealth } from '../../../src/gateway/target-health.ts';
import { TargetPicker } from '../../../src/gateway/target-picker.ts';
import type { Provider } from '../../../src/providers/provider.ts';

const policy: RoutingPolicy = {
  strategy: 'round-robin',
  retries: 2,
  backoffInitialMs: 1,
  backoffMaxMs: 2,
  retryAfterMaxMs: 5_000,
  deadlineMs: 60_000,
  cooldownFailures: 100,
  cooldownWindowMs: 10_000,
  cooldownMs: 1_000,
};

function group(name: string, models: string[], options: Partial<ModelGroup> = {}): ModelGroup {
  return {
    name,
    strategy: 'round-robin',
    retries: 2,
    fallbacks: [],
    contextWindowFallbacks: [],
    rpmLimit: null,
    tpmLimit: null,
    targets: models.map((model) =>
      routeTarget({
        provider: 'p',
        model,
        weight: 1,
        maxOutputTokens: undefined,
        timeouts: undefined,
        params: undefined,
      }),
    ),
    ...options,
  };
}

const upstream = (status: number) =>
  new UpstreamError({ provider: 'p', upstreamStatus: status, upstreamMessage: `status ${status}` });

/** A runner over the given groups (and its targets' health) whose attempts answer from `script`, by upstream model, in order. */
function runner(groups: ModelGroup[]) {
  const byName = new Map(groups.map((entry) => [entry.name, entry]));
  const resolver: AttemptResolver = {
    resolve(name) {
      const found = byName.get(name);
      if (found === undefined) throw new GatewayError('model_not_found', `no ${name}`);
      return found;
    },
    provider: (name) => ({ name }) as Provider,
  };
  const health = new TargetHealth(policy);
  return Object.assign(
    new AttemptRunner({ policy, health, picker: new TargetPicker(health), resolver, observer: silentObserver }),
    { health },
  );
}

/** Runs `group`, answering each attempt with the next outcome; returns the models tried and the result. */
async function run(attemptRunner: AttemptRunner, start: ModelGroup, outcomes: Array<Error | string>) {
  const tried: string[] = [];
  const record = createRequestRecord('r1');
  const result = await attemptRunner
    .run({
      group: start,
      record,
      signal: new AbortController().signal,
      attempt: async ({ target, release }: Attempt) => {
        release();
        tried.push(target.model);
        const outcome = outcomes.shift();
        if (outcome === undefined) throw new Error('the test script ran out');
        if (outcome instanceof Error) throw outcome;
        return outcome;
      },
    })
    .catch((error: unknown) => error);
  return { tried, result, record };
}

describe('attempt runner', () => {
  it('retries a retryable failure (503) and answers with the attempt that succeeds', async () => {
    const only = group('solo', ['a']);
    const { tried, result, record } = await run(runner([only]), only, [upstream(503), upstream(502), 'ok']);
    assert.equal(result, 'ok');
    assert.deepEqual(tried, ['a', 'a', 'a']);
    assert.equal(record.attempts, 3);
  });

  it('keeps no attempt notes for a single success, and every attempt from the first failure on', async () => {
    const only = group('solo', ['a']);
    assert.equal((await run(runner([only]), only, ['ok'])).record.attemptNotes, undefined, 'nothing allocated');
    const backup = group('backup', ['z']);
    const main = group('main', ['a'], { retries: 1, fallbacks: ['backup'] });
    const failures = [upstream(503), upstream(500)];
    const { record } = await run(runner([main, backup]), main, [...failures, 'from backup']);
    assert.deepEqual(
      record.attemptNotes?.map((note) => [note.provider, note.model, note.fallbacks, note.error]),
      [
        ['p', 'a', 0, failures[0]],
        ['p', 'a', 0, failures[1]],
        ['p', 'z', 1, undefined],
      ],
    );
    assert.ok(record.attemptNotes?.every((note) => note.latencyMs >= 0));
  });

  it('gives up after the group’s retries with the last failure', async () => {
    const only = group('solo', ['a'], { retries: 1 });
    const last = upstream(502);
    const { tried, result } = await run(runner([only]), only, [upstream(503), last, 'never']);
    assert.equal(result, last);
    assert.deepEqual(tried, ['a', 'a']);
  });

  it('moves to the next target when this one cannot serve (401), without retrying it', async () => {
    const pair = group('pair', ['a', 'b']);
    const { tried, result } = await run(runner([pair]), pair, [upstream(401), 'from b']);
    assert.equal(result, 'from b');
    assert.deepEqual(tried, ['a', 'b']);
  });

  it('retries go to a target not tried yet while one is left', async () => {
    const pair = group('pair', ['a', 'b']);
    const { tried } = await run(runner([pair]), pair, [upstream(503), 'ok']);
    assert.deepEqual(tried, ['a', 'b']);
  });

  it('falls back to the next group once a group’s attempts are spent', async () => {
    const backup = group('backup', ['z']);
    const main = group('main', ['a'], { retries: 0, fallbacks: ['backup'] });
    const { tried, result, record } = await run(runner([main, backup]), main, [upstream(500), 'from backup']);
    assert.equal(result, 'from backup');
    assert.deepEqual(tried, ['a', 'z']);
    assert.equal(record.fallbacks, 1);
  });

  it('a context-window failure skips retries and jumps to the context-window fallbacks', async () => {
    const large = group('large', ['big']);
    const main = group('main', ['a', 'b'], { fallbacks: ['large'], contextWindowFallbacks: ['large'] });
    const tooLong = new UpstreamError({
      provider: 'p',
      upstreamStatus: 400,
      upstreamMessage: 'prompt is too long',
      upstreamType: 'context_length_exceeded',
    });
    const { tried, result } = await run(runner([main, large]), main, [tooLong, 'fits']);
    assert.equal(result, 'fits');
    assert.deepEqual(tried, ['a', 'big']);
  });

  it('a fatal failure (the upstream says the request is bad) stops at once: no retry, no fallback', async () => {
    const backup = group('backup', ['z']);
    const main = group('main', ['a', 'b'], { fallbacks: ['backup'] });
    const bad = upstream(400);
    const { tried, result } = await run(runner([main, backup]), main, [bad, 'never']);
    assert.equal(result, bad);
    assert.deepEqual(tried, ['a']);
  });

  it('an attempt the gateway answered itself (answeredLocally) is no latency sample for the target', async () => {
    const only = group('solo', ['a']);
    const attemptRunner = runner([only]);
    const answer = await attemptRunner.run({
      group: only,
      record: createRequestRecord('r2'),
      signal: new AbortController().signal,
      attempt: async (attempt) => {
        attempt.answeredLocally = true;
        attempt.release();
        return 'estimated';
      },
    });
    assert.equal(answer, 'estimated');
    assert.equal(attemptRunner.health.latency('p/a'), undefined);
    assert.equal(attemptRunner.health.inFlight('p/a'), 0);
  });
});
