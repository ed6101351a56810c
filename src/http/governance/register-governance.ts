import type { FastifyInstance, FastifyRequest } from 'fastify';
import { GatewayError } from '../../errors/gateway-error.ts';
import type { Authenticator } from '../../governance/authenticator.ts';
import type { Governance } from '../../governance/governance.ts';
import type { Principal } from '../../governance/principal.ts';
import type { LoggedBodies } from '../../governance/request-details.ts';
import { googleCredentialOf, googleKeyMissing } from '../gemini/gemini-credential.ts';
import { onRequestSettled } from '../request-context.ts';
import { sessionPrincipal } from '../ui/session-principal.ts';
import type { UiSessions } from '../ui/ui-sessions.ts';

/**
 * Authenticates callers of governed and admin routes before their body is read, and, once a governed
 * response has gone (or its caller has), hands the request to governance to be priced, settled and recorded.
 */
export function registerGovernance(
  app: FastifyInstance,
  governance: Governance,
  options: {
    sessions?: UiSessions | undefined;
    /** With body logging on: the redacted bodies, stored with the usage row. */
    bodies?: ((request: FastifyRequest) => LoggedBodies) | undefined;
  } = {},
): void {
  const { sessions, bodies } = options;
  const { authenticator } = governance;
  // A callback hook, not an async one: most requests are answered from the key cache, with no tick.
  app.addHook('onRequest', function authenticate(request, _reply, done) {
    const config = request.routeConfig;
    const admin = config.admin === true;
    if (!admin && config.governed !== true) return done();
    let principal: Principal | Promise<Principal>;
    try {
      if (admin && authenticator.open) {
        throw new GatewayError('admin_required', 'The admin API is off: set LLM_PROXY_MASTER_KEY to use it.');
      }
      // The dashboard's sign-in cookie stands for the master key (checked only when no key is sent).
      const bySession =
        sessions !== undefined && request.headers.cookie !== undefined
          ? sessionPrincipal(request, sessions)
          : undefined;
      principal =
        bySession instanceof Promise
          ? bySession.then((found) => found ?? byKey(authenticator, request))
          : (bySession ?? byKey(authenticator, request));
    } catch (error) {
      return done(error as Error);
    }
    if (principal instanceof Promise) principal.then((found) => accept(request, found, admin, done), done);
    else accept(request, principal, admin, done);
  });
  // Once the response has gone, or its caller has (status 499): the parallel slot and reservations are
  // released and the call recorded with the usage known so far.
  onRequestSettled(app, function recordUsage(request, _reply, status) {
    // One row per call that named a model (listings and unauthenticated attempts are not recorded).
    const config = request.routeConfig;
    if (config.governed === true && request.record.model !== undefined) {
      governance.finish(request.record, { status, route: config.url ?? request.url, bodies: bodies?.(request) });
    }
  });
}

/** The caller's key, read from where the route's API sends it. */
function byKey(authenticator: Authenticator, request: FastifyRequest): Principal | Promise<Principal> {
  return request.routeConfig.credentials === 'google'
    ? authenticator.authenticateCredential(googleCredentialOf(request), googleKeyMissing)
    : authenticator.authenticate(request.headers);
}

function accept(request: FastifyRequest, principal: Principal, admin: boolean, done: (error?: Error) => void): void {
  request.principal = principal;
  if (admin && principal.kind !== 'master')
    done(new GatewayError('admin_required', 'Admin routes take the master key only.'));
  else done();
}
