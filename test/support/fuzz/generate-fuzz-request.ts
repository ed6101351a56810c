import type { FuzzRequest } from './fuzz-request.ts';
import { type FuzzContext, type FuzzRoute, fuzzRoutes, unknownTargets } from './fuzz-routes.ts';
import { mutateJsonBody } from './mutate-json-body.ts';
import { nastyPathSegments, nastyQueryValues } from './nasty-values.ts';
import type { SeededRandom } from './seeded-random.ts';

type Headers = Array<[string, string]>;

/** What one generation step produces before it is turned into a `FuzzRequest`. */
interface Draft {
  route: string;
  mutation: string;
  method: string;
  path: string;
  query: string;
  headers: Headers;
  body: Buffer | undefined;
  raw?: Buffer;
  socket: boolean;
}

/** One malformed (now and then valid) request for one of the gateway's routes, or for none. */
export function generateFuzzRequest(random: SeededRandom, context: FuzzContext): FuzzRequest {
  const draft = random.chance(0.04)
    ? unknownRoute(random, context)
    : mutate(random, context, random.weighted(fuzzRoutes.map((route) => [route.weight, route] as const)));
  const target = `${draft.path}${draft.query === '' ? '' : `?${draft.query}`}`;
  const printable = (text: string) => /^[\x21-\x7e]*$/.test(text);
  const plainHeaders = draft.headers.every(
    ([name, value]) => printable(name) && /^[\x20-\x7e]*$/.test(value) && value.length < 8_000,
  );
  return {
    route: draft.route,
    mutation: draft.mutation,
    method: draft.method,
    target,
    headers: draft.headers,
    body: draft.body,
    ...(draft.raw === undefined ? {} : { raw: draft.raw }),
    transport: draft.socket || draft.raw !== undefined || !printable(target) || !plainHeaders ? 'socket' : 'pool',
  };
}

function authHeaders(route: FuzzRoute, context: FuzzContext): Headers {
  switch (route.auth) {
    case 'bearer':
      return [['authorization', `Bearer ${context.gatewayKey}`]];
    case 'x-api-key':
      return [['x-api-key', context.gatewayKey]];
    case 'master':
      return [['authorization', `Bearer ${context.masterKey}`]];
    case 'metrics':
      return [['authorization', `Bearer ${context.metricsToken}`]];
    case 'none':
      return [];
  }
}

function validQuery(random: SeededRandom, route: FuzzRoute, context: FuzzContext): string[] {
  const params = route.query?.(context) ?? {};
  return Object.entries(params)
    .filter(() => random.chance(0.5))
    .map(([name, values]) => `${name}=${encodeURIComponent(random.pick(values))}`);
}

function mutate(random: SeededRandom, context: FuzzContext, route: FuzzRoute): Draft {
  const valid = route.body?.(random, context);
  const draft: Draft = {
    route: route.route,
    mutation: 'valid',
    method: route.method,
    path: route.path(random, context),
    query: validQuery(random, route, context).join('&'),
    headers: [...authHeaders(route, context), ...(route.headers ?? [])],
    body: undefined,
    socket: false,
  };
  if (valid !== undefined) {
    draft.headers.push(['content-type', 'application/json']);
    draft.body = Buffer.from(JSON.stringify(valid));
  }
  const hasBody = valid !== undefined;
  const step = random.weighted<(() => void) | undefined>([
    [5, undefined],
    [hasBody ? 45 : 0, () => Object.assign(draft, mutateJsonBody(random, valid ?? {}))],
    [hasBody ? 5 : 0, () => contentTypeMutation(random, draft)],
    [7, () => authMutation(random, draft, route, context)],
    [10, () => headerMutation(random, draft)],
    [5, () => framingMutation(random, draft)],
    [hasBody ? 6 : 25, () => queryMutation(random, draft, route, context)],
    [route.idPrefix === undefined ? 4 : 15, () => pathMutation(random, draft, route)],
    [4, () => methodMutation(random, draft)],
    [hasBody ? 0 : 8, () => bodyOnBodylessRoute(random, draft)],
  ]);
  step?.();
  return draft;
}

function replaceHeader(headers: Headers, name: string, value: string | undefined): Headers {
  const kept = headers.filter(([existing]) => existing.toLowerCase() !== name);
  return value === undefined ? kept : [...kept, [name, value]];
}

function contentTypeMutation(random: SeededRandom, draft: Draft): void {
  const type = random.pick([
    undefined,
    '',
    'text/plain',
    'application/x-www-form-urlencoded',
    'multipart/form-data',
    'multipart/form-data; boundary=x',
    'application/json; charset=latin1',
    'application/json; charset=utf-16',
    'application/jsonx',
    'APPLICATION/JSON',
    'application/json;;;',
    'application/json, text/plain',
    'application/octet-stream',
    'application/xml',
    'text/event-stream',
    'application/vnd.api+json',
    '*/*',
    'application/json; boundary="',
  ]);
  draft.headers = replaceHeader(draft.headers, 'content-type', type);
  draft.mutation = `content-type ${JSON.stringify(type ?? '(none)')}`;
}

function authMutation(random: SeededRandom, draft: Draft, route: FuzzRoute, context: FuzzContext): void {
  const key = authHeaders(route, context)[0]?.[1].replace(/^Bearer /, '') ?? context.gatewayKey;
  const [name, headers] = random.pick<readonly [string, Headers]>([
    ['no credential', []],
    ['Bearer alone', [['authorization', 'Bearer']]],
    ['Bearer and a space', [['authorization', 'Bearer ']]],
    ['two spaces', [['authorization', `Bearer  ${key}`]]],
    ['lower-case scheme', [['authorization', `bearer ${key}`]]],
    ['Basic', [['authorization', `Basic ${Buffer.from(`${key}:`).toString('base64')}`]]],
    ['key with a suffix', [['authorization', `Bearer ${key}x`]]],
    ['key and a word', [['authorization', `Bearer ${key} extra`]]],
    ['Token scheme', [['authorization', `Token ${key}`]]],
    ['NUL in the key', [['authorization', `Bearer ${key}\u0000`]]],
    ['latin1 bytes', [['authorization', 'Bearer \u00ff\u00fe\u00e9']]],
    ['huge key', [['authorization', `Bearer ${'k'.repeat(12_000)}`]]],
    ['empty x-api-key', [['x-api-key', '']]],
    [
      'wrong bearer, right x-api-key',
      [
        ['authorization', 'Bearer sk-wrong'],
        ['x-api-key', key],
      ],
    ],
    [
      'right bearer, wrong x-api-key',
      [
        ['authorization', `Bearer ${key}`],
        ['x-api-key', 'sk-wrong'],
      ],
    ],
    [
      'two authorization lines',
      [
        ['authorization', 'Bearer sk-wrong'],
        ['authorization', `Bearer ${key}`],
      ],
    ],
    ['gateway key on admin', [['authorization', `Bearer ${context.gatewayKey}`]]],
    ['master key', [['authorization', `Bearer ${context.masterKey}`]]],
    ['metrics token', [['authorization', `Bearer ${context.metricsToken}`]]],
    ['revoked or foreign key', [['authorization', 'Bearer sk-llmp-0000000000000000000000000000']]],
  ]);
  draft.headers = [
    ...draft.headers.filter(([existing]) => existing !== 'authorization' && existing !== 'x-api-key'),
    ...headers,
  ];
  // A repeated header line is joined by undici; only a socket sends it as two.
  if (name === 'two authorization lines') draft.socket = true;
  draft.mutation = `auth: ${name}`;
}

const nastyHeaderValues = [
  '',
  ' ',
  'a\u0000b',
  '\u00ff\u00fe',
  'x'.repeat(7_000),
  'a,b',
  '"quoted"',
  '../..',
  '%00',
  '\tab',
  '2023-06-01, 2023-06-01',
  '00-00000000000000000000000000000000-0000000000000000-01',
  'ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
];

function headerMutation(random: SeededRandom, draft: Draft): void {
  const choice = random.integer(0, 6);
  if (choice === 0) {
    const size = random.chance(0.05) ? 1_000_000 : random.pick([9_000, 20_000, 70_000]);
    draft.headers.push(['x-fuzz-padding', 'a'.repeat(size)]);
    draft.mutation = `huge header (${size} bytes)`;
  } else if (choice === 1) {
    const count = random.pick([100, 1_000, 3_000]);
    for (let index = 0; index < count; index++) draft.headers.push([`x-fuzz-${index}`, 'v']);
    draft.mutation = `many headers (${count})`;
  } else if (choice === 2) {
    const value = random.pick(['100-continue', 'banana', '', '100-continue, foo', '100-CONTINUE']);
    draft.headers.push(['expect', value]);
    draft.socket = true;
    draft.mutation = `expect ${JSON.stringify(value)}`;
  } else if (choice === 3) {
    const value = random.pick(['gzip', 'br', 'deflate', 'identity', 'x-unknown', 'gzip, gzip']);
    draft.headers.push(['content-encoding', value]);
    draft.mutation = `content-encoding ${value}`;
  } else {
    const name = random.pick([
      'anthropic-version',
      'anthropic-beta',
      'x-request-id',
      'traceparent',
      'tracestate',
      'accept',
      'accept-encoding',
      'x-forwarded-for',
      'user-agent',
      'origin',
      'openai-organization',
      'x-stainless-retry-count',
      'host',
    ]);
    const value = random.pick(nastyHeaderValues);
    draft.headers = replaceHeader(draft.headers, name, value);
    if (name === 'host') draft.socket = true;
    draft.mutation = `header ${name}: ${JSON.stringify(value.slice(0, 30))}`;
  }
}

/** Requests whose framing is wrong: they are written byte by byte on a socket. */
function framingMutation(random: SeededRandom, draft: Draft): void {
  const body = draft.body ?? Buffer.from('{}');
  const head = (extra: string[], requestLine = `${draft.method} ${draft.path} HTTP/1.1`) =>
    Buffer.from(
      [
        requestLine,
        'host: 127.0.0.1',
        ...draft.headers.map(([name, value]) => `${name}: ${value}`),
        ...extra,
        'connection: close',
        '',
        '',
      ].join('\r\n'),
      'latin1',
    );
  const chunked = Buffer.from(`${body.length.toString(16)}\r\n${body.toString('latin1')}\r\n0\r\n\r\n`, 'latin1');
  const cases: Array<readonly [string, () => Buffer]> = [
    ['content-length abc', () => Buffer.concat([head(['content-length: abc']), body])],
    ['content-length -1', () => Buffer.concat([head(['content-length: -1']), body])],
    ['content-length 1.5', () => Buffer.concat([head(['content-length: 1.5']), body])],
    ['content-length overflow', () => Buffer.concat([head(['content-length: 99999999999999999999']), body])],
    [
      'two content-lengths',
      () => Buffer.concat([head([`content-length: ${body.length}`, `content-length: ${body.length + 1}`]), body]),
    ],
    [
      'content-length shorter than body',
      () => Buffer.concat([head([`content-length: ${Math.max(body.length - 5, 0)}`]), body]),
    ],
    [
      'content-length and chunked',
      () => Buffer.concat([head([`content-length: ${body.length}`, 'transfer-encoding: chunked']), chunked]),
    ],
    ['chunked', () => Buffer.concat([head(['transfer-encoding: chunked']), chunked])],
    [
      'chunked, bad size',
      () => Buffer.concat([head(['transfer-encoding: chunked']), Buffer.from('zz\r\nabc\r\n0\r\n\r\n')]),
    ],
    ['gzip, chunked', () => Buffer.concat([head(['transfer-encoding: gzip, chunked']), chunked])],
    [
      'transfer-encoding identity',
      () => Buffer.concat([head(['transfer-encoding: identity', `content-length: ${body.length}`]), body]),
    ],
    ['folded header', () => Buffer.concat([head([`content-length: ${body.length}`, 'x-folded: a', ' b']), body])],
    ['header without colon', () => Buffer.concat([head([`content-length: ${body.length}`, 'no-colon-here']), body])],
    ['space before colon', () => Buffer.concat([head([`content-length : ${body.length}`]), body])],
    ['NUL in a header name', () => Buffer.concat([head([`content-length: ${body.length}`, 'x-a\u0000b: 1']), body])],
    [
      'bare LF line ends',
      () => Buffer.from(`${draft.method} ${draft.path} HTTP/1.1\nhost: x\ncontent-length: 2\nconnection: close\n\n{}`),
    ],
    [
      'HTTP/1.0',
      () => Buffer.concat([head([`content-length: ${body.length}`], `${draft.method} ${draft.path} HTTP/1.0`), body]),
    ],
    ['HTTP/2.0 in an HTTP/1 request line', () => head([], `${draft.method} ${draft.path} HTTP/2.0`)],
    ['HTTP/9.9', () => head([], `${draft.method} ${draft.path} HTTP/9.9`)],
    ['no version', () => Buffer.from(`${draft.method} ${draft.path}\r\n\r\n`)],
    ['double space in the request line', () => head([], `${draft.method}  ${draft.path} HTTP/1.1`)],
    [
      'garbage request',
      () => Buffer.from('\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u0001\u00fc\u0003\u0003', 'latin1'),
    ],
  ];
  const [name, build] = random.pick(cases);
  draft.raw = build();
  draft.mutation = `framing: ${name}`;
}

function queryMutation(random: SeededRandom, draft: Draft, route: FuzzRoute, context: FuzzContext): void {
  const valid = validQuery(random, route, context);
  const names = Object.keys(route.query?.(context) ?? {});
  const value = random.pick(nastyQueryValues);
  const choice = random.integer(0, 5);
  if (choice <= 2 && names.length > 0) {
    const name = random.pick(names);
    draft.query = [...valid.filter((pair) => !pair.startsWith(`${name}=`)), `${name}=${value}`].join('&');
    draft.mutation = `query ${name}=${JSON.stringify(value.slice(0, 40))}`;
    return;
  }
  const [label, query] = random.pick<readonly [string, string]>([
    ['repeated parameter', `${names[0] ?? 'limit'}=1&${names[0] ?? 'limit'}=2`],
    ['array parameter', `${names[0] ?? 'limit'}[]=1`],
    ['object parameter', `${names[0] ?? 'limit'}[a]=1`],
    ['__proto__ parameter', '__proto__=x&__proto__[polluted]=yes'],
    ['constructor parameter', 'constructor[prototype][polluted]=yes'],
    ['empty name', '=x'],
    ['lone percent', '%'],
    ['only separators', '&&&'],
    ['double question mark', '?a=1'],
    ['a=b=c', 'a=b=c'],
    ['a thousand parameters', Array.from({ length: 1_000 }, (_unused, index) => `p${index}=1`).join('&')],
    ['long query', `q=${'x'.repeat(30_000)}`],
    ['stream and model in the query', 'stream=true&model=openai%2Fgpt-4o&api-version=2024-01-01'],
    ['key in the query', `key=${context.gatewayKey}&api_key=${context.gatewayKey}`],
    ['NUL name', '%00=%00'],
  ]);
  draft.query = [...valid, query].join('&');
  draft.mutation = `query: ${label}`;
}

function pathMutation(random: SeededRandom, draft: Draft, route: FuzzRoute): void {
  if (route.idPrefix !== undefined && random.chance(0.7)) {
    const segment = random.pick(nastyPathSegments);
    draft.path = `${route.idPrefix}${segment}`;
    draft.mutation = `id ${JSON.stringify(segment.slice(0, 40))}`;
    return;
  }
  const path = draft.path;
  const [label, changed] = random.pick<readonly [string, string]>([
    ['trailing slash', `${path}/`],
    ['double slash', `/${path}`],
    ['inner double slash', path.replace(/\/([^/]*)$/, '//$1')],
    ['upper case', path.toUpperCase()],
    ['NUL suffix', `${path}%00`],
    ['encoded slash', path.replace(/\/([^/]*)$/, '%2F$1')],
    ['dot segment', `/.${path}`],
    ['dot-dot segment', `/x/..${path}`],
    ['matrix parameter', `${path};x=1`],
    ['extension', `${path}.json`],
    ['encoded letter', path.replace(/[a-z]/, (letter) => `%${letter.charCodeAt(0).toString(16)}`)],
    ['latin1 byte', `${path}\u00ff`],
    ['long tail', `${path}/${'x'.repeat(5_000)}`],
  ]);
  draft.path = changed;
  draft.mutation = `path: ${label}`;
}

function methodMutation(random: SeededRandom, draft: Draft): void {
  const method = random.pick([
    'GET',
    'POST',
    'PUT',
    'PATCH',
    'DELETE',
    'HEAD',
    'OPTIONS',
    'TRACE',
    'PROPFIND',
    'SEARCH',
    'QUERY',
    'CONNECT',
    'FOO',
    'post',
  ]);
  draft.method = method;
  draft.socket = !['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'].includes(method);
  if (method === 'GET' || method === 'HEAD') draft.body = undefined;
  draft.mutation = `method ${method}`;
}

function bodyOnBodylessRoute(random: SeededRandom, draft: Draft): void {
  const [label, contentType, body] = random.pick<readonly [string, string | undefined, Buffer | undefined]>([
    ['JSON content-type, no body', 'application/json', undefined],
    ['JSON content-type, empty body', 'application/json', Buffer.alloc(0)],
    ['JSON body', 'application/json', Buffer.from('{"a":1}')],
    ['deep JSON body', 'application/json', Buffer.from(`${'['.repeat(10_000)}${']'.repeat(10_000)}`)],
    ['invalid JSON body', 'application/json', Buffer.from('{"a":')],
    ['text body', 'text/plain', Buffer.from('hello')],
  ]);
  if (contentType !== undefined) draft.headers.push(['content-type', contentType]);
  draft.body = body;
  // undici refuses a body on GET; the socket sends what it is given.
  draft.socket = draft.method === 'GET' || draft.method === 'HEAD';
  draft.mutation = `body on ${draft.method}: ${label}`;
}

function unknownRoute(random: SeededRandom, context: FuzzContext): Draft {
  const path = random.pick(unknownTargets);
  const method = random.pick(['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD']);
  const withBody = method === 'POST' || method === 'PUT' || method === 'PATCH';
  return {
    route: 'unknown',
    mutation: `unknown target ${JSON.stringify(path.slice(0, 40))}`,
    method,
    path,
    query: '',
    headers: [
      ['authorization', `Bearer ${random.chance(0.5) ? context.gatewayKey : context.masterKey}`],
      ...(withBody ? ([['content-type', 'application/json']] as Headers) : []),
    ],
    body: withBody ? Buffer.from('{"model":"openai/gpt-4o"}') : undefined,
    socket: true,
  };
}
