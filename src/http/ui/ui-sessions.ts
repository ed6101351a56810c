import { randomBytes } from 'node:crypto';
import { digestsEqual, hashApiKey } from '../../governance/api-key.ts';

/** The sign-in cookie's name. */
export const sessionCookie = 'llm_proxy_ui';

/** Sessions held at most; the oldest go first past it. */
const maxSessions = 10_000;

/**
 * Dashboard sign-ins: an opaque random token per sign-in, kept server-side only as its SHA-256 with an
 * expiry. The master key itself is never stored, in the browser or here. Sessions live in this process's
 * memory, so a restart signs everyone out.
 */
export class UiSessions {
  readonly #masterHash: string;
  readonly #lifetimeMs: number;
  readonly #now: () => number;
  /** Token hash → expiry (epoch ms), in creation order. */
  readonly #sessions = new Map<string, number>();

  constructor(options: { masterKey: string; lifetimeMs: number; now?: () => number }) {
    this.#masterHash = hashApiKey(options.masterKey);
    this.#lifetimeMs = options.lifetimeMs;
    this.#now = options.now ?? Date.now;
  }

  get lifetimeMs(): number {
    return this.#lifetimeMs;
  }

  /** A new session's token when `key` is the master key; undefined otherwise. */
  signIn(key: string): string | undefined {
    if (!digestsEqual(hashApiKey(key), this.#masterHash)) return undefined;
    const token = randomBytes(32).toString('base64url');
    if (this.#sessions.size >= maxSessions) {
      const oldest = this.#sessions.keys().next().value;
      if (oldest !== undefined) this.#sessions.delete(oldest);
    }
    this.#sessions.set(hashApiKey(token), this.#now() + this.#lifetimeMs);
    return token;
  }

  /** True while `token` names a session that has not expired nor been signed out. */
  isValid(token: string | undefined): boolean {
    if (token === undefined) return false;
    const hash = hashApiKey(token);
    const expires = this.#sessions.get(hash);
    if (expires === undefined) return false;
    if (expires <= this.#now()) {
      this.#sessions.delete(hash);
      return false;
    }
    return true;
  }

  signOut(token: string | undefined): void {
    if (token !== undefined) this.#sessions.delete(hashApiKey(token));
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
