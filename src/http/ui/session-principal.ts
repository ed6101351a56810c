import type { FastifyRequest } from 'fastify';
import { credentialOf } from '../../governance/authenticator.ts';
import type { Principal } from '../../governance/principal.ts';
import { readCookie, sessionCookie, type UiSessions } from './ui-sessions.ts';

/** The header the dashboard sends on every call that changes something or calls a model. */
export const csrfHeader = 'x-llm-proxy-csrf';

const master: Principal = { kind: 'master' };

/**
 * The master principal when a request carries no key but a valid dashboard sign-in cookie. Reads need
 * only the cookie (SameSite=Strict keeps other sites' pages from sending it); anything else also needs
 * the custom CSRF header, which a cross-site form cannot send, and an `Origin`, when sent, of this host.
 * A promise when the sign-in must be looked up in the store (not confirmed by this process within a second).
 */
export function sessionPrincipal(
  request: FastifyRequest,
  sessions: UiSessions,
): Principal | Promise<Principal | undefined> | undefined {
  const { headers } = request;
  if (headers.cookie === undefined || credentialOf(headers) !== undefined) return undefined;
  const token = readCookie(headers.cookie, sessionCookie);
  if (token === undefined) return undefined;
  const reading = request.method === 'GET' || request.method === 'HEAD';
  if (!reading || request.routeConfig.admin !== true) {
    if (headers[csrfHeader] !== '1') return undefined;
    if (!sameOrigin(request)) return undefined;
  }
  const valid = sessions.isValid(token);
  if (valid instanceof Promise) return valid.then((signedIn) => (signedIn ? master : undefined));
  return valid ? master : undefined;
}

/** True when the request sent no `Origin` or one naming this host. */
export function sameOrigin(request: FastifyRequest): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  return origin === `${request.protocol}://${request.headers.host ?? ''}`;
}
