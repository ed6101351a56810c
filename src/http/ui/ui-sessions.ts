import { randomBytes } from 'node:crypto';
import { digestsEqual, hashApiKey } from '../../governance/api-key.ts';
import type { GovernanceStore } from '../../store/store-records.ts';

/** The sign-in cookie's name. */
export const sessionCookie = 'llm_proxy_ui';

/** Where sign-ins are kept: the gateway's store, which every worker and replica shares. */
export type UiSessionStore = Pick<GovernanceStore, 'insertUiSession' | 'findUiSession' | 'deleteUiSession'>;

/** Sign-ins remembered by this process at most; past it the cache starts over (the store still has them). */
const maxCached = 10_000;

/**
 * Dashboard sign-ins: an opaque random token per sign-in, kept only as its SHA-256 with an expiry, in the
 * store, so that a sign-in made through one worker or replica holds on every other, and a sign-out ends it
 * everywhere. The master key itself is never stored, in the browser or here. A sign-in found in the store is
 * remembered by this process for `cacheMs` (a second by default): the dashboard's calls are then answered
 * without a tick, and a sign-out elsewhere is seen within that time.
 */
export class UiSessions {
  readonly #masterHash: string;
  readonly #lifetimeMs: number;
  readonly #cacheMs: number;
  readonly #store: UiSessionStore;
  readonly #now: () => number;
  /** Token hash → its expiry and when the store last confirmed it (epoch ms). */
  readonly #cache = new Map<string, { expiresAt: number; checkedAt: number }>();

  constructor(options: {
    masterKey: string;
    lifetimeMs: number;
    store: UiSessionStore;
    cacheMs?: number;
    now?: () => number;
  }) {
    this.#masterHash = hashApiKey(options.masterKey);
    this.#lifetimeMs = options.lifetimeMs;
    this.#store = options.store;
    this.#cacheMs = options.cacheMs ?? 1_000;
    this.#now = options.now ?? Date.now;
  }

  get lifetimeMs(): number {
    return this.#lifetimeMs;
  }

  /** A new session's token when `key` is the master key; undefined otherwise. */
  async signIn(key: string): Promise<string | undefined> {
    if (!digestsEqual(hashApiKey(key), this.#masterHash)) return undefined;
    const token = randomBytes(32).toString('base64url');
    const hash = hashApiKey(token);
    const now = this.#now();
    const expiresAt = now + this.#lifetimeMs;
    await this.#store.insertUiSession(hash, expiresAt);
    this.#remember(hash, expiresAt, now);
    return token;
  }

  /**
   * Whether `token` names a session that has not expired nor been signed out: at once when this process
   * confirmed it within `cacheMs`, else once the store has answered.
   */
  isValid(token: string | undefined): boolean | Promise<boolean> {
    if (token === undefined) return false;
    const hash = hashApiKey(token);
    const now = this.#now();
    const cached = this.#cache.get(hash);
    if (cached !== undefined && now - cached.checkedAt < this.#cacheMs) {
      if (cached.expiresAt > now) return true;
      this.#cache.delete(hash);
      return false;
    }
    return this.#store.findUiSession(hash).then((expiresAt) => {
      const checkedAt = this.#now();
      if (expiresAt === undefined || expiresAt <= checkedAt) {
        this.#cache.delete(hash);
        return false;
      }
      this.#remember(hash, expiresAt, checkedAt);
      return true;
    });
  }

  /** Ends the session on every process (the others within `cacheMs`). */
  async signOut(token: string | undefined): Promise<void> {
    if (token === undefined) return;
    const hash = hashApiKey(token);
    this.#cache.delete(hash);
    await this.#store.deleteUiSession(hash);
  }

  #remember(hash: string, expiresAt: number, checkedAt: number): void {
    if (this.#cache.size >= maxCached) this.#cache.clear();
    this.#cache.set(hash, { expiresAt, checkedAt });
  }
}

/** The value of cookie `name` in a `Cookie` header. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const index = part.indexOf('=');
    if (index > 0 && part.slice(0, index).trim() === name) return part.slice(index + 1).trim();
  }
  return undefined;
}
