import { hash, randomBytes, timingSafeEqual } from 'node:crypto';

const keyPrefix = 'sk-llmp-';
/** Characters of a key kept in clear (`sk-llmp-AbCd`), so people can tell keys apart. */
const visiblePrefixLength = 12;

/** A new gateway key: the secret (shown once), its SHA-256 (stored) and its visible prefix. */
export function generateApiKey(): { key: string; hash: string; prefix: string } {
  const key = `${keyPrefix}${randomBytes(24).toString('base64url')}`;
  return { key, hash: hashApiKey(key), prefix: key.slice(0, visiblePrefixLength) };
}

/** SHA-256 hex of a key: what the store holds and lookups use. */
export function hashApiKey(key: string): string {
  return hash('sha256', key, 'hex');
}

/** SHA-256 of a secret as bytes, for constant-time comparison (one-shot: no Hash object per call). */
export function secretDigest(secret: string): Buffer {
  return hash('sha256', secret, 'buffer');
}

/** A sortable, unguessable key id: creation time then randomness. */
export function newKeyId(now = Date.now()): string {
  return `key_${now.toString(36).padStart(9, '0')}${randomBytes(6).toString('hex')}`;
}

/** Compares two secrets in constant time (their SHA-256 digests, so lengths never leak either). */
export function secretsEqual(given: string, expected: string): boolean {
  return timingSafeEqual(secretDigest(given), secretDigest(expected));
}

/**
 * Compares two hex digests in constant time: every character is looked at, wherever the first
 * difference is, and no Buffer is made (this runs on every governed request). Only digests are
 * compared this way, never secrets themselves: a caller chooses a secret, not the bytes of its SHA-256.
 */
export function digestsEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let index = 0; index < a.length; index++) difference |= a.charCodeAt(index) ^ b.charCodeAt(index);
  return difference === 0;
}
