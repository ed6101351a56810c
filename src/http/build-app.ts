import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import type { GatewayConfig } from '../config/gateway-config.ts';
import type { Gateway } from '../gateway/gateway.ts';
import type { Governance } from '../governance/governance.ts';
import type { KeyAdmin } from '../governance/key-admin.ts';
import type { GovernanceStore } from '../store/store-records.ts';
import { registerKeysRoutes } from './admin/keys-routes.ts';
import { registerUsageRoute } from './admin/usage-route.ts';
import { registerCountTokensRoute } from './anthropic/count-tokens-route.ts';
import { registerMessagesRoute } from './anthropic/messages-route.ts';
import { registerChatRoute } from './chat/chat-route.ts';
import { registerErrorHandler } from './errors/register-error-handler.ts';
import { registerGovernance } from './governance/register-governance.ts';
import { registerModelsRoutes } from './models/models-route.ts';
import { registerChatCompletionsRoute } from './openai/chat-completions-route.ts';
import { registerEmbeddingsRoute } from './openai/embeddings-route.ts';
import { registerOpenApi } from './openapi.ts';
import { generateRequestId, registerRequestContext } from './request-context.ts';
import { registerRequestLog } from './request-log.ts';
import { registerRootRoute } from './root-route.ts';

export interface BuildAppOptions {
  config: GatewayConfig;
  gateway: Gateway;
  governance: Governance;
  /** Present when a store is open (the admin API needs one). */
  keyAdmin: KeyAdmin | undefined;
  store: GovernanceStore | undefined;
  logger: FastifyBaseLogger;
  version: string;
}

/** Builds the Fastify application: hooks, the error handler, OpenAPI, and every API surface. */
export async function buildApp(options: BuildAppOptions): Promise<FastifyInstance> {
  const { config, gateway, governance, logger, version } = options;
  const app = Fastify({
    loggerInstance: logger,
    // Fastify's two lines per request are replaced by our one (request-log.ts).
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'requestId' }),
    genReqId: generateRequestId,
    requestIdHeader: false,
    bodyLimit: config.server.bodyLimitBytes,
    return503OnClosing: true,
    ajv: {
      customOptions: { coerceTypes: false, removeAdditional: false, useDefaults: false, allErrors: true },
    },
  });
  // Every API here takes JSON; anything else is a 415, not a string body failing validation.
  app.removeContentTypeParser('text/plain');
  registerRequestContext(app);
  registerErrorHandler(app);
  registerRequestLog(app);
  await registerOpenApi(app, version);
  registerRootRoute(app, version);
  registerGovernance(app, governance);
  registerChatRoute(app, gateway, governance);
  registerChatCompletionsRoute(app, gateway, governance);
  registerModelsRoutes(app, gateway);
  registerEmbeddingsRoute(app, gateway, governance);
  registerMessagesRoute(app, gateway, governance);
  registerCountTokensRoute(app, gateway);
  if (options.keyAdmin !== undefined) registerKeysRoutes(app, options.keyAdmin);
  if (options.store !== undefined) registerUsageRoute(app, options.store);
  return app;
}
