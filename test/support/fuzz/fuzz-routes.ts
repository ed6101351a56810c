import type { SeededRandom } from './seeded-random.ts';

type JsonObject = Record<string, unknown>;

/** The credentials and ids a campaign's requests use, so that checks go past authentication. */
export interface FuzzContext {
  gatewayKey: string;
  gatewayKeyId: string;
  masterKey: string;
  metricsToken: string;
  /** Keys the admin requests may read, change and revoke (never the gateway key above). */
  victimKeyIds: readonly string[];
}

/** How a route is authenticated when the request is not fuzzing authentication. */
export type RouteAuth = 'bearer' | 'x-api-key' | 'master' | 'metrics' | 'none';

/** A route the gateway registers, with valid requests to start mutating from. */
export interface FuzzRoute {
  route: string;
  method: string;
  weight: number;
  auth: RouteAuth;
  /** The path, its id part (if any) filled in. */
  path(random: SeededRandom, context: FuzzContext): string;
  /** Where the id goes, for path-segment mutations: `/admin/keys/`. */
  idPrefix?: string;
  /** Valid bodies, for routes that take one. */
  body?(random: SeededRandom, context: FuzzContext): JsonObject;
  /** Valid query parameters: name → possible values. */
  query?(context: FuzzContext): Record<string, readonly string[]>;
  headers?: Array<[string, string]>;
}

const openaiModels = ['openai/gpt-4o', 'gpt-4o-mini', 'anthropic/claude-sonnet-4-6', 'mock/echo', 'fuzz-alias'];
const anthropicModels = ['anthropic/claude-sonnet-4-6', 'claude-haiku-4-5', 'openai/gpt-4o', 'mock/echo', 'fuzz-alias'];

function openaiChat(random: SeededRandom): JsonObject {
  const body: JsonObject = {
    model: random.pick(openaiModels),
    messages: [
      { role: 'system', content: 'You are terse.' },
      { role: 'user', content: random.chance(0.5) ? 'hi' : [{ type: 'text', text: 'hi' }] },
    ],
    max_tokens: 16,
  };
  if (random.chance(0.4)) {
    body['stream'] = true;
    if (random.chance(0.5)) body['stream_options'] = { include_usage: true };
  }
  if (random.chance(0.3)) {
    body['tools'] = [
      {
        type: 'function',
        function: {
          name: 'lookup',
          description: 'd',
          parameters: { type: 'object', properties: { q: { type: 'string' } } },
        },
      },
    ];
    body['tool_choice'] = 'auto';
  }
  if (random.chance(0.3)) {
    (body['messages'] as JsonObject[]).push(
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '{"q":"x"}' } }],
      },
      { role: 'tool', tool_call_id: 'call_1', content: 'result' },
    );
  }
  if (random.chance(0.3)) Object.assign(body, { temperature: 0.5, top_p: 0.9, stop: ['\n'], n: 1, user: 'u-1' });
  if (random.chance(0.2)) body['response_format'] = { type: 'json_object' };
  return body;
}

function anthropicMessages(random: SeededRandom, countTokens: boolean): JsonObject {
  const body: JsonObject = {
    model: random.pick(anthropicModels),
    messages: [{ role: 'user', content: random.chance(0.5) ? 'hi' : [{ type: 'text', text: 'hi' }] }],
  };
  if (!countTokens) body['max_tokens'] = 16;
  if (random.chance(0.5)) body['system'] = random.chance(0.5) ? 'Be terse.' : [{ type: 'text', text: 'Be terse.' }];
  if (!countTokens && random.chance(0.4)) body['stream'] = true;
  if (random.chance(0.3)) {
    body['tools'] = [
      { name: 'lookup', description: 'd', input_schema: { type: 'object', properties: { q: { type: 'string' } } } },
    ];
    (body['messages'] as JsonObject[]).push(
      { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'lookup', input: { q: 'x' } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'result' }] },
    );
  }
  if (random.chance(0.2)) body['thinking'] = { type: 'enabled', budget_tokens: 1024 };
  if (!countTokens && random.chance(0.3)) Object.assign(body, { temperature: 0.5, metadata: { user_id: 'u-1' } });
  return body;
}

function keyFields(random: SeededRandom): JsonObject {
  const all: JsonObject = {
    name: 'fuzz key',
    models: ['openai/*', 'fuzz-alias'],
    rpm_limit: 100,
    tpm_limit: 100_000,
    max_budget_usd: 5,
    budget_period: 'daily',
    max_parallel: 4,
    expires_at: '2099-01-01T00:00:00Z',
    metadata: { team: 'fuzz', tags: ['a', 'b'] },
  };
  return Object.fromEntries(Object.entries(all).filter(([name]) => name === 'name' || random.chance(0.6)));
}

const pick = (ids: readonly string[], random: SeededRandom) => random.pick(ids);

/** Every route the gateway registers; the weights spread requests toward the ones with the most input. */
export const fuzzRoutes: readonly FuzzRoute[] = [
  {
    route: 'POST /chat',
    method: 'POST',
    weight: 8,
    auth: 'bearer',
    path: () => '/chat',
    body: (random) => ({
      provider: random.pick(['openai', 'anthropic', 'mock', 'OpenAI']),
      model: random.pick(['gpt-4o', 'claude-sonnet-4-6', 'echo']),
      prompt: 'hi',
    }),
  },
  {
    route: 'POST /v1/chat/completions',
    method: 'POST',
    weight: 20,
    auth: 'bearer',
    path: () => '/v1/chat/completions',
    body: (random) => openaiChat(random),
  },
  {
    route: 'POST /v1/messages',
    method: 'POST',
    weight: 20,
    auth: 'x-api-key',
    path: () => '/v1/messages',
    body: (random) => anthropicMessages(random, false),
    headers: [['anthropic-version', '2023-06-01']],
  },
  {
    route: 'POST /v1/messages/count_tokens',
    method: 'POST',
    weight: 8,
    auth: 'x-api-key',
    path: () => '/v1/messages/count_tokens',
    body: (random) => anthropicMessages(random, true),
    headers: [['anthropic-version', '2023-06-01']],
  },
  {
    route: 'POST /v1/embeddings',
    method: 'POST',
    weight: 8,
    auth: 'bearer',
    path: () => '/v1/embeddings',
    body: (random) => ({
      model: random.pick(['openai/text-embedding-3-small', 'text-embedding-3-small']),
      input: random.chance(0.5) ? 'hello' : ['hello', 'world'],
      ...(random.chance(0.3) ? { encoding_format: 'float', dimensions: 2 } : {}),
    }),
  },
  {
    route: 'GET /v1/models',
    method: 'GET',
    weight: 2,
    auth: 'bearer',
    path: () => '/v1/models',
    query: () => ({ limit: ['5'], after_id: ['x'] }),
  },
  {
    route: 'GET /v1/models/*',
    method: 'GET',
    weight: 3,
    auth: 'bearer',
    idPrefix: '/v1/models/',
    path: (random) => `/v1/models/${random.pick(['openai/gpt-4o', 'fuzz-alias', 'anthropic/claude-sonnet-4-6'])}`,
  },
  {
    route: 'POST /admin/keys',
    method: 'POST',
    weight: 8,
    auth: 'master',
    path: () => '/admin/keys',
    body: (random) => keyFields(random),
  },
  {
    route: 'GET /admin/keys',
    method: 'GET',
    weight: 3,
    auth: 'master',
    path: () => '/admin/keys',
    query: (context) => ({ limit: ['1', '50', '100'], after: context.victimKeyIds }),
  },
  {
    route: 'GET /admin/keys/:id',
    method: 'GET',
    weight: 2,
    auth: 'master',
    idPrefix: '/admin/keys/',
    path: (random, context) => `/admin/keys/${pick(context.victimKeyIds, random)}`,
  },
  {
    route: 'PATCH /admin/keys/:id',
    method: 'PATCH',
    weight: 8,
    auth: 'master',
    idPrefix: '/admin/keys/',
    path: (random, context) => `/admin/keys/${pick(context.victimKeyIds, random)}`,
    body: (random) => {
      const fields = keyFields(random);
      if (random.chance(0.3)) fields['rpm_limit'] = null;
      return fields;
    },
  },
  {
    route: 'DELETE /admin/keys/:id',
    method: 'DELETE',
    weight: 3,
    auth: 'master',
    idPrefix: '/admin/keys/',
    path: (random, context) => `/admin/keys/${pick(context.victimKeyIds, random)}`,
  },
  {
    route: 'GET /admin/usage',
    method: 'GET',
    weight: 5,
    auth: 'master',
    path: () => '/admin/usage',
    query: (context) => ({
      key_id: [context.gatewayKeyId, ...context.victimKeyIds],
      model: ['openai/gpt-4o', 'fuzz-alias'],
      from: ['2026-01-01T00:00:00Z', '2026-12-08T00:00:00.000Z'],
      to: ['2099-01-01T00:00:00Z'],
      group_by: ['key', 'model', 'day'],
      limit: ['1', '10', '1000'],
      offset: ['0', '5'],
    }),
  },
  { route: 'GET /health/live', method: 'GET', weight: 1, auth: 'none', path: () => '/health/live' },
  { route: 'GET /health/ready', method: 'GET', weight: 1, auth: 'none', path: () => '/health/ready' },
  { route: 'GET /metrics', method: 'GET', weight: 0.3, auth: 'metrics', path: () => '/metrics' },
  { route: 'GET /', method: 'GET', weight: 1, auth: 'none', path: () => '/' },
  { route: 'GET /openapi.json', method: 'GET', weight: 0.3, auth: 'none', path: () => '/openapi.json' },
];

/** Paths no route serves, and targets no router expects. */
export const unknownTargets: readonly string[] = [
  '/v2/chat',
  '/v1',
  '/v1/',
  '/v1/completions',
  '/v1/chat',
  '/v1/messages/batches',
  '/admin',
  '/admin/',
  '/admin/keys/a/b',
  '/health',
  '/docs/../admin/keys',
  '/%',
  '/%zz',
  '/%00',
  '/%ff',
  '/\u00ff\u00fe',
  `/${'a'.repeat(10_000)}`,
  `/v1/models/${'a/'.repeat(2_000)}`,
  '//',
  '/?',
  '/#fragment',
  '*',
  'http://127.0.0.1/v1/models',
  'http://evil.example/admin/keys',
  'v1/models',
];
