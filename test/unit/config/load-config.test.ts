import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../../../src/config/config-error.ts';
import { loadConfig } from '../../../src/config/load-config.ts';

/** Loads with an in-memory YAML file. */
function loadWith(yaml: string, env: Record<string, string> = {}, flags: { host?: string; port?: number } = {}) {
  return loadConfig({ env, configFile: 'test.yaml', readFile: () => yaml, ...flags });
}

function assertConfigError(run: () => unknown, pattern: RegExp): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    assert.match(error.message, pattern);
    assert.equal(error.message.includes('\n'), false, 'the reason must fit on one line');
    return true;
  });
}

describe('loadConfig', () => {
  it('defaults to 127.0.0.1:4000 with every built-in provider and the seed timeouts', () => {
    const config = loadConfig({ env: {} });
    assert.equal(config.server.host, '127.0.0.1');
    assert.equal(config.server.port, 4000);
    assert.deepEqual(
      config.providers.map((provider) => provider.name),
      [
        'openai',
        'anthropic',
        'deepseek',
        'gemini',
        'bedrock',
        'azure',
        'groq',
        'mistral',
        'xai',
        'openrouter',
        'together',
        'fireworks',
        'cerebras',
        'perplexity',
        'deepinfra',
        'ollama',
        'vllm',
        'lmstudio',
        'openai-compatible',
        'mock',
      ],
    );
    const openai = config.providers.find((provider) => provider.name === 'openai');
    assert.equal(openai?.baseUrl, 'https://api.openai.com/v1');
    assert.equal(openai?.apiKey, undefined);
    assert.equal(openai?.timeouts.totalMs, 30_000);
    assert.equal(
      config.providers.find((provider) => provider.name === 'anthropic')?.baseUrl,
      'https://api.anthropic.com',
    );
  });

  it('reads the seed env vars and the SDK base-URL vars', () => {
    const config = loadConfig({
      env: {
        OPENAI_API_KEY: 'sk-o',
        OPENAI_BASE_URL: 'http://localhost:9/v1',
        ANTHROPIC_API_KEY: 'sk-a',
        DEEPSEEK_API_KEY: 'sk-d',
        DEEPSEEK_BASE_URL: 'https://example.test',
        PORT: '8080',
        HOST: '0.0.0.0',
      },
    });
    const byName = new Map(config.providers.map((provider) => [provider.name, provider]));
    assert.equal(byName.get('openai')?.apiKey, 'sk-o');
    assert.equal(byName.get('openai')?.baseUrl, 'http://localhost:9/v1');
    assert.equal(byName.get('anthropic')?.apiKey, 'sk-a');
    assert.equal(byName.get('deepseek')?.baseUrl, 'https://example.test');
    assert.equal(config.server.port, 8080);
    assert.equal(config.server.host, '0.0.0.0');
  });

  it('ranks CLI flags over env over the file', () => {
    const yaml = 'server:\n  port: 5000\n  host: 10.0.0.1\n';
    assert.equal(loadWith(yaml).server.port, 5000);
    assert.equal(loadWith(yaml, { PORT: '6000' }).server.port, 6000);
    assert.equal(loadWith(yaml, { PORT: '6000' }, { port: 7000 }).server.port, 7000);
    assert.equal(loadWith(yaml, {}, { host: '::1' }).server.host, '::1');
  });

  it('interpolates ${VAR} and ${VAR:-default}, typing whole-reference numbers', () => {
    const yaml = [
      'server:',
      '  port: ${GATEWAY_PORT}',
      'providers:',
      '  work:',
      '    type: openai',
      '    api_key: ${WORK_KEY}',
      '    base_url: ${WORK_URL:-https://work.example/v1}',
      '    headers:',
      '      x-team: "team-${TEAM}"',
    ].join('\n');
    const config = loadWith(yaml, { GATEWAY_PORT: '4321', WORK_KEY: 'sk-work', TEAM: 'blue' });
    assert.equal(config.server.port, 4321);
    const work = config.providers.find((provider) => provider.name === 'work');
    assert.equal(work?.apiKey, 'sk-work');
    assert.equal(work?.baseUrl, 'https://work.example/v1');
    assert.deepEqual(work?.headers, { 'x-team': 'team-blue' });
  });

  it('leaves a provider whose key variable is unset unconfigured rather than failing', () => {
    const config = loadWith('providers:\n  openai:\n    api_key: ${MISSING_KEY}\n');
    assert.equal(config.providers.find((provider) => provider.name === 'openai')?.apiKey, undefined);
  });

  it('reads aliases in both short forms as groups of one target', () => {
    const config = loadWith(
      'models:\n  fast: openai/gpt-4o-mini\n  smart:\n    provider: Anthropic\n    model: claude-sonnet-5\n    max_output_tokens: 8192\n',
    );
    assert.deepEqual(
      config.models.map((group) => [
        group.name,
        group.targets.map((target) => [target.provider, target.model, target.maxOutputTokens]),
      ]),
      [
        ['fast', [['openai', 'gpt-4o-mini', undefined]]],
        ['smart', [['anthropic', 'claude-sonnet-5', 8192]]],
      ],
    );
    assert.equal(config.models[0]?.retries, 2);
    assert.equal(config.models[0]?.strategy, 'weighted');
  });

  it('reads model groups: targets with weights, timeouts and params, strategy, retries, fallbacks', () => {
    const yaml = [
      'routing:',
      '  retries: 1',
      '  cooldown_ms: 5000',
      'models:',
      '  smart:',
      '    strategy: least-in-flight',
      '    fallbacks: [backup]',
      '    context_window_fallbacks: [anthropic/claude-opus-4-7]',
      '    targets:',
      '      - { provider: openai, model: gpt-5.4, weight: 3, first_byte_timeout_ms: 2000, params: { service_tier: flex } }',
      '      - { provider: anthropic, model: claude-sonnet-4-6 }',
      '  backup: deepseek/deepseek-chat',
    ].join('\n');
    const config = loadWith(yaml);
    const smart = config.models.find((group) => group.name === 'smart');
    assert.equal(smart?.strategy, 'least-in-flight');
    assert.equal(smart?.retries, 1);
    assert.deepEqual(smart?.fallbacks, ['backup']);
    assert.deepEqual(smart?.contextWindowFallbacks, ['anthropic/claude-opus-4-7']);
    assert.deepEqual(smart?.targets[0], {
      provider: 'openai',
      model: 'gpt-5.4',
      weight: 3,
      maxOutputTokens: undefined,
      timeouts: { firstByteMs: 2000 },
      params: { service_tier: 'flex' },
    });
    assert.equal(config.routing.cooldownMs, 5000);
  });

  it('rejects a fallback to an unknown group or to itself', () => {
    const group = (fallback: string) =>
      `models:\n  a:\n    targets: [{ provider: openai, model: x }]\n    fallbacks: [${fallback}]\n`;
    assertConfigError(() => loadWith(group('nope')), /models\.a\.fallbacks: unknown model group 'nope'/);
    assertConfigError(() => loadWith(group('a')), /itself/);
    assertConfigError(
      () => loadWith('models:\n  a:\n    targets: [{ provider: nowhere, model: x }]\n'),
      /models\.a\.targets\[0\]: unknown provider/,
    );
  });

  it('names the bad field', () => {
    assertConfigError(() => loadWith('server:\n  port: high\n'), /^test\.yaml: server\.port: must be integer/);
    assertConfigError(() => loadWith('servr:\n  port: 1\n'), /^test\.yaml: .*servr|additional/);
    assertConfigError(() => loadWith('providers:\n  openai:\n    base_url: ftp://x\n'), /providers\.openai\.base_url/);
    assertConfigError(
      () => loadWith('providers:\n  openai:\n    api_kye: x\n'),
      /providers\.openai.*api_kye|additional/,
    );
    assertConfigError(() => loadWith('providers:\n  mine:\n    api_key: x\n'), /providers\.mine\.type: required/);
    assertConfigError(
      () => loadWith('providers:\n  mine:\n    type: bogus\n'),
      /providers\.mine\.type: unknown provider type 'bogus'/,
    );
    assertConfigError(() => loadWith('models:\n  fast: nowhere/gpt\n'), /models\.fast: unknown provider 'nowhere'/);
    assertConfigError(() => loadWith('upstream:\n  timeout_ms: 0\n'), /upstream\.timeout_ms/);
  });

  it('bounds a stream’s length: 100 MiB by default, server.max_stream_bytes, LLM_PROXY_MAX_STREAM_BYTES over it', () => {
    assert.equal(loadConfig({ env: {} }).server.maxStreamBytes, 100 * 1024 * 1024);
    assert.equal(loadWith('server:\n  max_stream_bytes: 5000\n').server.maxStreamBytes, 5000);
    assert.equal(
      loadWith('server:\n  max_stream_bytes: 5000\n', { LLM_PROXY_MAX_STREAM_BYTES: '7000' }).server.maxStreamBytes,
      7000,
    );
    assertConfigError(
      () => loadConfig({ env: { LLM_PROXY_MAX_STREAM_BYTES: 'lots' } }),
      /^LLM_PROXY_MAX_STREAM_BYTES:/,
    );
  });

  it('reports bad env values by name', () => {
    assertConfigError(
      () => loadConfig({ env: { OPENAI_BASE_URL: 'api.openai.com' } }),
      /^OPENAI_BASE_URL: must be an http\(s\) URL/,
    );
    assertConfigError(() => loadConfig({ env: { PORT: 'eighty' } }), /^PORT:/);
    assertConfigError(() => loadConfig({ env: { LOG_LEVEL: 'loud' } }), /^LOG_LEVEL:/);
  });

  it('reports an unreadable file and invalid YAML on one line', () => {
    assertConfigError(
      () => loadConfig({ env: {}, configFile: '/nonexistent/llm-proxy.yaml' }),
      /\/nonexistent\/llm-proxy\.yaml: cannot read/,
    );
    assertConfigError(() => loadWith('server: [unclosed\n'), /^test\.yaml: invalid YAML/);
  });

  it('accepts the shipped example configuration', () => {
    const file = new URL('../../../llm-proxy.example.yaml', import.meta.url).pathname;
    const config = loadConfig({ env: { OPENAI_EU_API_KEY: 'sk-eu' }, configFile: file });
    assert.ok(config.providers.some((provider) => provider.name === 'openai-eu' && provider.apiKey === 'sk-eu'));
    assert.deepEqual(
      config.models.map((group) => group.name),
      ['fast', 'capped', 'smart', 'long-context'],
    );
  });

  it('takes the config file from LLM_PROXY_CONFIG when no flag is given', () => {
    const config = loadConfig({
      env: { LLM_PROXY_CONFIG: 'from-env.yaml' },
      readFile: () => 'server:\n  port: 4999\n',
    });
    assert.equal(config.configFile, 'from-env.yaml');
    assert.equal(config.server.port, 4999);
  });

  it('a blank master key refuses to start, naming the variable (it used to run every route open)', () => {
    for (const blank of ['', '   ', '\t']) {
      assertConfigError(
        () => loadConfig({ env: { LLM_PROXY_MASTER_KEY: blank } }),
        /^LLM_PROXY_MASTER_KEY: set but blank/,
      );
      assertConfigError(
        () => loadWith(`governance:\n  master_key: "${blank}"\n`),
        /^governance\.master_key: set but blank/,
      );
    }
    // `master_key: ${VAR}` with VAR unset interpolates to '' — the same mistake.
    assertConfigError(
      () => loadWith('governance:\n  master_key: ${LLM_PROXY_MASTER_KEY}\n'),
      /^governance\.master_key: set but blank/,
    );
    assertConfigError(
      () => loadConfig({ env: { LLM_PROXY_MASTER_KEY: 'short' } }),
      /^LLM_PROXY_MASTER_KEY: must be at least 16/,
    );
    assert.equal(loadConfig({ env: {} }).governance.masterKey, undefined, 'unset everywhere: open, with a warning');
    assert.equal(
      loadConfig({ env: { LLM_PROXY_MASTER_KEY: ' sk-master-0123456789abcdef ' } }).governance.masterKey,
      'sk-master-0123456789abcdef',
    );
  });

  it('keyless local providers are off by default: on only with their base URL variable or named in the config', () => {
    const local = ['ollama', 'vllm', 'lmstudio'];
    const baseUrls = (config: ReturnType<typeof loadConfig>) =>
      Object.fromEntries(local.map((name) => [name, config.providers.find((item) => item.name === name)?.baseUrl]));
    assert.deepEqual(baseUrls(loadConfig({ env: {} })), { ollama: '', vllm: '', lmstudio: '' });
    assert.deepEqual(baseUrls(loadConfig({ env: { OLLAMA_BASE_URL: 'http://gpu-box:11434/v1' } })), {
      ollama: 'http://gpu-box:11434/v1',
      vllm: '',
      lmstudio: '',
    });
    assert.deepEqual(baseUrls(loadWith('providers:\n  vllm: {}\nmodels:\n  local: lmstudio/qwen3\n')), {
      ollama: '',
      vllm: 'http://127.0.0.1:8000/v1',
      lmstudio: 'http://127.0.0.1:1234/v1',
    });
  });

  it('reads CORS origins from LLM_PROXY_CORS_ORIGINS or server.cors.origins, none by default', () => {
    assert.deepEqual(loadConfig({ env: {} }).server.corsOrigins, []);
    assert.deepEqual(
      loadConfig({ env: { LLM_PROXY_CORS_ORIGINS: 'https://App.example.com, http://localhost:5173' } }).server
        .corsOrigins,
      ['https://app.example.com', 'http://localhost:5173'],
    );
    assert.deepEqual(loadWith("server:\n  cors:\n    origins: ['*']\n").server.corsOrigins, ['*']);
    assertConfigError(
      () => loadConfig({ env: { LLM_PROXY_CORS_ORIGINS: 'https://app.example.com/' } }),
      /^LLM_PROXY_CORS_ORIGINS: 'https:\/\/app.example.com\/' is not an origin/,
    );
    assertConfigError(
      () => loadWith("server:\n  cors:\n    origins: ['app.example.com']\n"),
      /^server\.cors\.origins: /,
    );
  });
});
