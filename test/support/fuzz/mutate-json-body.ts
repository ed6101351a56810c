import { deepNesting, nastyKeys, nastyRawValues, nastyValues } from './nasty-values.ts';
import type { SeededRandom } from './seeded-random.ts';

type JsonPath = Array<string | number>;

/** A mutated body: the bytes to send and a label saying what was done (for grouping failures). */
export interface MutatedBody {
  mutation: string;
  body: Buffer;
}

/** Largest body the campaign's gateway accepts (its `server.body_limit_bytes`). */
export const fuzzBodyLimitBytes = 1_048_576;

const spliceToken = '@@fuzz-splice@@';

/** One mutation of a valid JSON body, chosen by the PRNG. */
export function mutateJsonBody(random: SeededRandom, valid: Record<string, unknown>): MutatedBody {
  const value = structuredClone(valid);
  const kind = random.weighted<() => MutatedBody>([
    [30, () => setNastyValue(random, value)],
    [14, () => spliceRawValue(random, value)],
    [6, () => deleteField(random, value)],
    [6, () => addExtraKey(random, value)],
    [3, () => pollutePrototype(random, value)],
    [5, () => everyString(random, value)],
    [5, () => multipleValues(random, value)],
    [14, () => textMutation(random, value)],
  ]);
  return kind();
}

/** Every node's path below the root. */
function pathsOf(value: unknown, prefix: JsonPath = [], into: JsonPath[] = []): JsonPath[] {
  if (Array.isArray(value)) {
    value.forEach((item, index) => {
      into.push([...prefix, index]);
      pathsOf(item, [...prefix, index], into);
    });
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      into.push([...prefix, key]);
      pathsOf(item, [...prefix, key], into);
    }
  }
  return into;
}

function containerAt(root: unknown, path: JsonPath): Record<string | number, unknown> {
  let node = root;
  for (const step of path) node = (node as Record<string | number, unknown>)[step];
  return node as Record<string | number, unknown>;
}

/** Sets as an own property, so that `__proto__` is a key and not the prototype. */
function setAt(root: unknown, path: JsonPath, item: unknown): void {
  const parent = containerAt(root, path.slice(0, -1));
  const last = path.at(-1) ?? '';
  Object.defineProperty(parent, last, { value: item, enumerable: true, writable: true, configurable: true });
}

function randomPath(random: SeededRandom, value: unknown): JsonPath {
  const paths = pathsOf(value);
  return paths.length === 0 ? ['model'] : random.pick(paths);
}

function label(item: unknown): string {
  if (item === null) return 'null';
  if (Array.isArray(item)) return `array(${item.length})`;
  if (typeof item === 'object') return `object(${Object.keys(item as object).length})`;
  if (typeof item === 'string') {
    if (item.length > 1_000) return `string(${item.length})`;
    return `string ${JSON.stringify(item).slice(0, 40)}`;
  }
  return `${typeof item} ${String(item)}`;
}

const at = (path: JsonPath) => (path.length === 0 ? 'root' : path.join('.'));

function serialise(value: unknown, splices: Buffer[] = []): Buffer {
  const text = JSON.stringify(value);
  if (splices.length === 0) return Buffer.from(text);
  const pieces = text.split(`"${spliceToken}"`);
  const parts: Buffer[] = [];
  pieces.forEach((piece, index) => {
    parts.push(Buffer.from(piece));
    const splice = splices[index];
    if (index < pieces.length - 1 && splice !== undefined) parts.push(splice);
  });
  return Buffer.concat(parts);
}

/**
 * A nasty value, copied: the table's objects are shared, and a later mutation of the same body may
 * write inside one (several values), which polluted the table for every later request (a cycle, then
 * a stack overflow in the next store's campaign). Copying draws nothing from the PRNG: same sequence.
 */
function pickNastyValue(random: SeededRandom): unknown {
  return structuredClone(random.pick(nastyValues));
}

function setNastyValue(random: SeededRandom, value: Record<string, unknown>): MutatedBody {
  const path = randomPath(random, value);
  const item = pickNastyValue(random);
  setAt(value, path, item);
  return { mutation: `value ${label(item)} at ${at(path)}`, body: serialise(value) };
}

function spliceRawValue(random: SeededRandom, value: Record<string, unknown>): MutatedBody {
  const path = randomPath(random, value);
  const [name, raw] = random.pick(nastyRawValues);
  setAt(value, path, spliceToken);
  return { mutation: `raw ${name} at ${at(path)}`, body: serialise(value, [raw]) };
}

function deleteField(random: SeededRandom, value: Record<string, unknown>): MutatedBody {
  const path = randomPath(random, value);
  const parent = containerAt(value, path.slice(0, -1));
  const last = path.at(-1) ?? '';
  if (Array.isArray(parent) && typeof last === 'number') parent.splice(last, 1);
  else delete parent[last];
  return { mutation: `missing ${at(path)}`, body: serialise(value) };
}

function objectPaths(value: unknown): JsonPath[] {
  const objects = pathsOf(value).filter((path) => {
    const node = containerAt(value, path);
    return typeof node === 'object' && node !== null && !Array.isArray(node);
  });
  return [[], ...objects];
}

function addExtraKey(random: SeededRandom, value: Record<string, unknown>): MutatedBody {
  const path = random.pick(objectPaths(value));
  const key = random.pick(nastyKeys);
  const item = random.chance(0.5) ? { polluted: 'yes' } : pickNastyValue(random);
  setAt(value, [...path, key], item);
  return { mutation: `extra key ${JSON.stringify(key.slice(0, 20))} at ${at(path)}`, body: serialise(value) };
}

function pollutePrototype(random: SeededRandom, value: Record<string, unknown>): MutatedBody {
  const path = random.pick(objectPaths(value));
  const form = random.pick(['__proto__', 'constructor.prototype', 'escaped __proto__'] as const);
  if (form === '__proto__') setAt(value, [...path, '__proto__'], { polluted: 'yes' });
  if (form === 'constructor.prototype') setAt(value, [...path, 'constructor'], { prototype: { polluted: 'yes' } });
  if (form === 'escaped __proto__') {
    // `\u005f_proto__` is `__proto__` once parsed: a filter on the raw text misses it.
    setAt(value, [...path, 'fuzz-escaped-key'], { polluted: 'yes' });
    const text = JSON.stringify(value).replace('"fuzz-escaped-key"', '"\\u005f_proto__"');
    return { mutation: `prototype pollution (${form}) at ${at(path)}`, body: Buffer.from(text) };
  }
  return { mutation: `prototype pollution (${form}) at ${at(path)}`, body: serialise(value) };
}

function everyString(random: SeededRandom, value: Record<string, unknown>): MutatedBody {
  const [name, suffix, keysToo] = random.pick([
    ['NUL in every string', '\u0000', false],
    ['lone surrogate in every string', '\ud800', false],
    ['NUL in every string and key', '\u0000', true],
    ['lone surrogate in every string and key', '\udc00', true],
  ] as const);
  const walk = (node: unknown): unknown => {
    if (typeof node === 'string') return `${node}${suffix}`;
    if (Array.isArray(node)) return node.map(walk);
    if (typeof node === 'object' && node !== null)
      return Object.fromEntries(
        Object.entries(node).map(([key, item]) => [keysToo ? `${key}${suffix}` : key, walk(item)]),
      );
    return node;
  };
  return { mutation: name, body: serialise(walk(value)) };
}

function multipleValues(random: SeededRandom, value: Record<string, unknown>): MutatedBody {
  const count = random.integer(2, 4);
  const splices: Buffer[] = [];
  for (let index = 0; index < count; index++) {
    const path = randomPath(random, value);
    if (random.chance(0.3)) {
      const [, raw] = random.pick(nastyRawValues);
      // Splices are filled in text order; a token that replaced an earlier one drops that splice.
      setAt(value, path, spliceToken);
      splices.push(raw);
    } else setAt(value, path, pickNastyValue(random));
  }
  const text = JSON.stringify(value);
  const tokens = text.split(`"${spliceToken}"`).length - 1;
  return { mutation: `several values (${count})`, body: serialise(value, splices.slice(0, tokens)) };
}

function textMutation(random: SeededRandom, value: Record<string, unknown>): MutatedBody {
  const text = JSON.stringify(value);
  const keys = Object.keys(value);
  const key = keys.length === 0 ? 'model' : random.pick(keys);
  const nasty = JSON.stringify(pickNastyValue(random)) ?? 'null';
  return random.pick<() => MutatedBody>([
    () => ({ mutation: 'truncated JSON', body: Buffer.from(text.slice(0, random.integer(0, text.length - 1))) }),
    () => ({ mutation: 'duplicate key, nasty first', body: Buffer.from(`{"${key}":${nasty},${text.slice(1)}`) }),
    () => ({ mutation: 'duplicate key, nasty last', body: Buffer.from(`${text.slice(0, -1)},"${key}":${nasty}}`) }),
    () => ({ mutation: 'byte-order mark', body: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]) }),
    () => ({ mutation: 'trailing garbage', body: Buffer.from(`${text}}garbage`) }),
    () => ({ mutation: 'two JSON documents', body: Buffer.from(`${text}\n${text}`) }),
    () => ({ mutation: 'whitespace body', body: Buffer.from(' \r\n\t ') }),
    () => ({ mutation: 'empty body', body: Buffer.alloc(0) }),
    () => ({
      mutation: 'non-object root',
      body: Buffer.from(random.pick(['[]', 'null', '0', '"text"', 'true', '[{}]'])),
    }),
    () => ({ mutation: 'deep root', body: Buffer.from(`${'['.repeat(deepNesting)}${']'.repeat(deepNesting)}`) }),
    () => ({
      mutation: 'deep root object',
      body: Buffer.from(`${'{"a":'.repeat(deepNesting)}{}${'}'.repeat(deepNesting)}`),
    }),
    () => ({
      mutation: 'oversize body',
      body: Buffer.from(`{"pad":"${'x'.repeat(fuzzBodyLimitBytes + 1_024)}",${text.slice(1)}`),
    }),
    () => ({ mutation: 'UTF-16 body', body: Buffer.from(text, 'utf16le') }),
    () => ({ mutation: 'random bytes', body: randomBytesOf(random, random.integer(1, 512)) }),
    () => {
      // An invalid UTF-8 byte anywhere in the text, inside or outside a string.
      const bytes = Buffer.from(text);
      bytes[random.integer(0, bytes.length - 1)] = random.pick([0xff, 0xc0, 0x80, 0xed, 0x00]);
      return { mutation: 'invalid byte in text', body: bytes };
    },
  ])();
}

function randomBytesOf(random: SeededRandom, length: number): Buffer {
  const bytes = Buffer.alloc(length);
  for (let index = 0; index < length; index++) bytes[index] = random.integer(0, 255);
  return bytes;
}
