import { createHash } from 'node:crypto';

/** Fields that never change the answer: who asked, how it is delivered. */
const ignoredFields = new Set(['user', 'metadata', 'stream', 'stream_options', 'store', 'safety_identifier']);

/**
 * The cache key of a call: a SHA-256 over the client API, the resolved model group, the caller's key id
 * (per-key scope; empty for `global`) and the request with its keys sorted — messages, tools and every
 * sampling and output parameter — less the fields that do not change the answer.
 */
export function cacheKeyOf(parts: {
  api: string;
  group: string;
  scope: string;
  body: Readonly<Record<string, unknown>>;
}): string {
  const hash = createHash('sha256');
  hash.update(`${parts.api}\n${parts.group}\n${parts.scope}\n`);
  hash.update(canonicalJson(parts.body, true));
  return hash.digest('base64url');
}

function canonicalJson(value: unknown, top = false): string {
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item)).join(',')}]`;
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  const object = value as Record<string, unknown>;
  const keys = Object.keys(object)
    .filter((key) => object[key] !== undefined && !(top && (ignoredFields.has(key) || key === 'model')))
    .sort();
  return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(object[key])}`).join(',')}}`;
}
