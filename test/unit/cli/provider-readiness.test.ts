import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { providerReadiness } from '../../../src/cli/provider-readiness.ts';
import { loadConfig } from '../../../src/config/load-config.ts';

describe('the start-up line names the providers that can serve', () => {
  it('local servers with nothing configured were listed as configured (issue 26 item 10): now not', () => {
    const config = loadConfig({ env: { DATABASE_URL: 'sqlite::memory:' }, host: '127.0.0.1', port: 0 });
    const { configured, notConfigured } = providerReadiness(config.providers);
    for (const local of ['ollama', 'vllm', 'lmstudio', 'openai-compatible']) {
      assert.ok(!configured.includes(local), `${local} is not configured`);
      assert.ok(notConfigured.includes(local), `${local} is listed as not configured`);
    }
    assert.ok(configured.includes('mock'), 'the keyless mock provider serves');
    assert.ok(notConfigured.includes('openai'), 'a provider without its key does not');
  });

  it('a local server with its base URL, and a provider with its key, are configured', () => {
    const config = loadConfig({
      env: { DATABASE_URL: 'sqlite::memory:', OLLAMA_BASE_URL: 'http://127.0.0.1:11434/v1', OPENAI_API_KEY: 'sk-test' },
      host: '127.0.0.1',
      port: 0,
    });
    const { configured } = providerReadiness(config.providers);
    assert.ok(configured.includes('ollama'));
    assert.ok(configured.includes('openai'));
  });
});
