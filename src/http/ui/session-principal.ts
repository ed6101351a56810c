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
 */
export function sessionPrincipal(request: FastifyRequest, sessions: UiSessions): Principal | undefined {
  const { headers } = request;
  if (headers.cookie === undefined || credentialOf(headers) !== undefined) return undefined;
  if (!sessions.isValid(readCookie(headers.cookie, sessionCookie))) return undefined;
  const reading = request.method === 'GET' || request.method === 'HEAD';
  if (!reading || request.routeConfig.admin !== true) {
    if (headers[csrfHeader] !== '1') return undefined;
    if (!sameOrigin(request)) return undefined;
  }
  return master;
}

/** True when the request sent no `Origin` or one naming this host. */
export function sameOrigin(request: FastifyRequest): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  return origin === `${request.protocol}://${request.headers.host ?? ''}`;
}
