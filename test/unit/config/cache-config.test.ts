import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../../../src/config/config-error.ts';
import { loadConfig } from '../../../src/config/load-config.ts';

const withYaml = (yaml: string, env: Record<string, string> = {}) =>
  loadConfig({ env, configFile: 'test.yaml', readFile: () => yaml });

describe('cache and unpriced-model settings', () => {
  it('the response cache is off by default: one hour, 64 MiB, per key', () => {
    assert.deepEqual(loadConfig({ env: {} }).cache, {
      mode: 'off',
      ttlMs: 3_600_000,
      maxBytes: 64 * 1024 * 1024,
      scope: 'key',
    });
    assert.equal(loadConfig({ env: {} }).governance.unpricedModels, 'deny');
  });

  it('LLM_PROXY_CACHE wins over cache.mode; redis needs a Redis URL', () => {
    const yaml = 'cache:\n  mode: memory\n  ttl_ms: 1000\n  scope: global\n';
    assert.equal(withYaml(yaml).cache.mode, 'memory');
    assert.equal(withYaml(yaml, { LLM_PROXY_CACHE: 'off' }).cache.mode, 'off');
    assert.equal(withYaml(yaml).cache.scope, 'global');
    assert.throws(() => withYaml(yaml, { LLM_PROXY_CACHE: 'disk' }), ConfigError);
    assert.throws(() => withYaml(yaml, { LLM_PROXY_CACHE: 'redis' }), /REDIS_URL/);
    assert.equal(withYaml(yaml, { LLM_PROXY_CACHE: 'redis', REDIS_URL: 'redis://127.0.0.1:6379' }).cache.mode, 'redis');
    assert.equal(withYaml('governance:\n  unpriced_models: allow\n').governance.unpricedModels, 'allow');
  });
});
