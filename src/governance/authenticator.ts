import type { IncomingHttpHeaders } from 'node:http';
import { LRUCache } from 'lru-cache';
import { GatewayError } from '../errors/gateway-error.ts';
import type { ApiKeyRecord, GovernanceStore } from '../store/store-records.ts';
import { digestsEqual, hashApiKey } from './api-key.ts';
import type { Principal } from './principal.ts';

const anonymous: Principal = { kind: 'anonymous' };
const master: Principal = { kind: 'master' };

/** How long an unknown key is remembered as unknown, so random keys cannot hammer the store. */
const unknownKeyTtlMs = 2_000;

/** The caller's credential: `Authorization: Bearer …` (OpenAI SDK, Anthropic SDK 1.x) or `x-api-key` (Anthropic 0.x, Claude Code). */
export function credentialOf(headers: IncomingHttpHeaders): string | undefined {
  const authorization = headers.authorization;
  if (typeof authorization === 'string' && authorization.startsWith('Bearer ')) return authorization.slice(7).trim();
  const apiKey = headers['x-api-key'];
  return typeof apiKey === 'string' && apiKey !== '' ? apiKey : undefined;
}

/**
 * Turns a request's credential into a principal. With no master key configured the gateway is open.
 * Keys are looked up by their SHA-256 through an in-memory cache (invalidated on change, and by other
 * instances through Redis), and checked in constant time; revoked and expired keys are refused.
 */
export class Authenticator {
  /**
   * SHA-256 (hex) of the master key, computed once; each credential is hashed once, to hex (a third
   * of the cost of a Buffer digest in Node 24), and compared to it.
   */
  readonly #masterHash: string | undefined;
  readonly #store: GovernanceStore | undefined;
  readonly #cache: LRUCache<string, ApiKeyRecord | false>;
  readonly #now: () => number;

  constructor(options: {
    masterKey: string | undefined;
    store: GovernanceStore | undefined;
    cacheTtlMs: number;
    now?: () => number;
  }) {
    this.#masterHash = options.masterKey === undefined ? undefined : hashApiKey(options.masterKey);
    this.#store = options.store;
    this.#cache = new LRUCache({ max: 50_000, ttl: options.cacheTtlMs });
    this.#now = options.now ?? Date.now;
  }

  /** True when no master key is set: every API route is open. */
  get open(): boolean {
    return this.#masterHash === undefined;
  }

  /**
   * The caller's principal. Synchronous for an open gateway, the master key and keys already in the
   * cache (every request but a key's first); a promise only when the store has to be asked.
   */
  authenticate(headers: IncomingHttpHeaders): Principal | Promise<Principal> {
    if (this.#masterHash === undefined) return anonymous;
    return this.authenticateCredential(
      credentialOf(headers),
      'A gateway key is required: send it as Authorization: Bearer <key> or x-api-key.',
    );
  }

  /**
   * The principal of a credential a route read itself (the Gemini routes take `x-goog-api-key` and
   * `?key=` too); `missing` is the message when there is none.
   */
  authenticateCredential(credential: string | undefined, missing: string): Principal | Promise<Principal> {
    if (this.#masterHash === undefined) return anonymous;
    if (credential === undefined) throw new GatewayError('authentication_required', missing);
    const keyHash = hashApiKey(credential);
    if (digestsEqual(keyHash, this.#masterHash)) return master;
    const cached = this.#cache.get(keyHash);
    if (cached !== undefined) return this.#principalOf(cached === false ? undefined : cached);
    return this.#lookup(keyHash).then((key) => this.#principalOf(key));
  }

  #principalOf(key: ApiKeyRecord | undefined): Principal {
    if (key === undefined) throw new GatewayError('authentication_required', 'The gateway key is not valid.');
    if (key.revokedAt !== null) throw new GatewayError('authentication_required', 'The gateway key has been revoked.');
    if (key.expiresAt !== null && key.expiresAt <= this.#now()) {
      throw new GatewayError('authentication_required', 'The gateway key has expired.');
    }
    return { kind: 'key', key };
  }

  /** Drops a key from the cache (after a change here or on another instance). */
  invalidate(keyHash: string): void {
    this.#cache.delete(keyHash);
  }

  async #lookup(keyHash: string): Promise<ApiKeyRecord | undefined> {
    const found = await this.#store?.findKeyByHash(keyHash);
    // The index found it by hash; the comparison itself is still made in constant time.
    const key = found !== undefined && digestsEqual(found.keyHash, keyHash) ? found : undefined;
    if (key === undefined) this.#cache.set(keyHash, false, { ttl: unknownKeyTtlMs });
    else this.#cache.set(keyHash, key);
    return key;
  }
}
