import type { FastifyInstance } from 'fastify';
import { GatewayError } from '../../errors/gateway-error.ts';
import type { Governance } from '../../governance/governance.ts';

/**
 * Authenticates callers of governed and admin routes before their body is read, and, once a governed
 * response has gone, hands the request to governance to be priced, settled and recorded.
 */
export function registerGovernance(app: FastifyInstance, governance: Governance): void {
  app.addHook('onRequest', async function authenticate(request) {
    const { config } = request.routeOptions;
    if (config.admin === true) {
      if (governance.authenticator.open) {
        throw new GatewayError('admin_required', 'The admin API is off: set LLM_PROXY_MASTER_KEY to use it.');
      }
      request.principal = await governance.authenticator.authenticate(request.headers);
      if (request.principal.kind !== 'master')
        throw new GatewayError('admin_required', 'Admin routes take the master key only.');
      return;
    }
    if (config.governed === true) request.principal = await governance.authenticator.authenticate(request.headers);
  });
  app.addHook('onResponse', function recordUsage(request, reply, done) {
    // One row per call that named a model (listings and unauthenticated attempts are not recorded).
    if (request.routeOptions.config.governed === true && request.record.model !== undefined) {
      governance.finish(request.record, { status: reply.statusCode, route: request.routeOptions.url ?? request.url });
    }
    done();
  });
}
