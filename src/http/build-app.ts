import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import type { GatewayConfig } from '../config/gateway-config.ts';
import type { AdmissionGate } from '../gateway/admission-gate.ts';
import type { Gateway } from '../gateway/gateway.ts';
import type { Governance } from '../governance/governance.ts';
import type { KeyAdmin } from '../governance/key-admin.ts';
import { configuredSecrets } from '../logging/configured-secrets.ts';
import type { GatewayObservability } from '../observability/gateway-observability.ts';
import { LazyResponseStore } from '../store/responses/open-response-store.ts';
import type { ResponseStore } from '../store/responses/response-store.ts';
import type { GovernanceStore } from '../store/store-records.ts';
import { registerCacheRoute } from './admin/cache-route.ts';
import { registerGatewayStatusRoutes } from './admin/gateway-status-routes.ts';
import { registerKeysRoutes } from './admin/keys-routes.ts';
import { registerRequestDetailRoute, registerRequestLogRoute } from './admin/request-log-route.ts';
import { registerUsageRoute } from './admin/usage-route.ts';
import { registerUsageSeriesRoutes } from './admin/usage-series-route.ts';
import { admissionServerFactory } from './admission/admission-server.ts';
import { registerAdmission } from './admission/register-admission.ts';
import { registerCountTokensRoute } from './anthropic/count-tokens-route.ts';
import { registerMessagesRoute } from './anthropic/messages-route.ts';
import { registerChatRoute } from './chat/chat-route.ts';
import { answerClientError, answerProtocolErrors } from './connection/answer-protocol-errors.ts';
import { registerCors } from './cors/register-cors.ts';
import type { ErrorShape } from './errors/error-shape.ts';
import { answerFrameworkError, registerErrorHandler } from './errors/register-error-handler.ts';
import { registerGeminiRoutes } from './gemini/gemini-routes.ts';
import { registerGovernance } from './governance/register-governance.ts';
import { type ReadinessCheck, registerHealthRoutes } from './health/health-routes.ts';
import { loggedBodiesOf } from './logged-bodies.ts';
import { registerModelsRoutes } from './models/models-route.ts';
import { registerObservability } from './observability/register-observability.ts';
import { registerChatCompletionsRoute } from './openai/chat-completions-route.ts';
import { registerEmbeddingsRoute } from './openai/embeddings-route.ts';
import { registerOpenApi } from './openapi.ts';
import { registerJsonBodyParser } from './parse-json-body.ts';
import { generateRequestId, registerRequestContext } from './request-context.ts';
import { registerRequestLog } from './request-log.ts';
import { registerResponsesRoutes } from './responses/responses-route.ts';
import { registerRootRoute } from './root-route.ts';
import { registerEventStreams } from './sse/send-event-stream.ts';
import { registerUi } from './ui/register-ui.ts';
import { UiSessions } from './ui/ui-sessions.ts';

export interface BuildAppOptions {
  config: GatewayConfig;
  observability: GatewayObservability;
  /** This process's bound on concurrent upstream requests. */
  admission: AdmissionGate;
  /** Dependencies `/health/ready` checks. */
  readiness: readonly ReadinessCheck[];
  gateway: Gateway;
  governance: Governance;
  /** Present when a store is open (the admin API needs one). */
  keyAdmin: KeyAdmin | undefined;
  store: GovernanceStore | undefined;
  /** Where Responses API answers are kept; by default the gateway's database, opened on first use. */
  responseStore?: ResponseStore;
  logger: FastifyBaseLogger;
  version: string;
}

/** Builds the Fastify application: hooks, the error handler, OpenAPI, and every API surface. */
export async function buildApp(options: BuildAppOptions): Promise<FastifyInstance> {
  const { config, gateway, governance, logger, version } = options;
  // Admitted routes and their error shapes, filled as they register (below), read by the server.
  const admittedPaths = new Map<string, ErrorShape>();
  const app = Fastify({
    loggerInstance: logger,
    // Fastify's two lines per request are replaced by our one (request-log.ts).
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'requestId' }),
    genReqId: generateRequestId,
    requestIdHeader: false,
    bodyLimit: config.server.bodyLimitBytes,
    return503OnClosing: true,
    clientErrorHandler: answerClientError,
    frameworkErrors: answerFrameworkError,
    // Connection hygiene: a keep-alive longer than the balancers' in front, and slow-loris bounds
    // checked every second (Node's default check runs every 30 s).
    serverFactory: admissionServerFactory(options.admission, admittedPaths, {
      http: {
        headersTimeout: config.server.headersTimeoutMs,
        requestTimeout: config.server.requestTimeoutMs,
        connectionsCheckingInterval: 1_000,
      },
      keepAliveTimeoutMs: config.server.keepAliveTimeoutMs,
      requestTimeoutMs: config.server.requestTimeoutMs,
      onRefused: (path) => options.observability.refused(path),
    }),
    ajv: {
      customOptions: { coerceTypes: false, removeAdditional: false, useDefaults: false, allErrors: true },
    },
  });
  answerProtocolErrors(app.server);
  app.addHook('onRoute', (route) => {
    if (route.config?.admitted === true && route.method === 'POST')
      admittedPaths.set(route.url, route.config.errorShape ?? 'openai');
  });
  // Every API here takes JSON; anything else is a 415, not a string body failing validation.
  app.removeContentTypeParser('text/plain');
  registerJsonBodyParser(app);
  registerRequestContext(app);
  registerEventStreams(app, {
    writeTimeoutMs: config.server.streamWriteTimeoutMs,
    maxBytes: config.server.maxStreamBytes,
  });
  // OpenAPI first: it documents the routes registered after it.
  await registerOpenApi(app, version);
  registerObservability(app, options.observability, { metricsToken: config.observability.metricsToken });
  registerErrorHandler(app);
  registerRootRoute(app, version);
  registerHealthRoutes(app, options.readiness);
  // Before governance: a browser must be able to read a 401 too.
  registerCors(app, config.server.corsOrigins);
  // Before governance: a refusal under overload costs no key check and no body parse.
  registerAdmission(app, options.admission);
  // The dashboard needs the admin API: a master key and a store.
  const masterKey = config.governance.masterKey;
  // Sign-ins are kept in the store, so that every worker and replica knows them.
  const sessions =
    config.server.ui && masterKey !== undefined && options.store !== undefined
      ? new UiSessions({ masterKey, lifetimeMs: 12 * 3_600_000, store: options.store })
      : undefined;
  const { logBodies } = config.observability;
  const secrets = logBodies ? configuredSecrets(config) : [];
  registerGovernance(app, governance, {
    sessions,
    bodies: logBodies ? (request) => loggedBodiesOf(request, secrets) : undefined,
  });
  // After governance: settlers run in order, governance's prices the call, and the log line carries the cost.
  registerRequestLog(app, { logBodies, secrets });
  registerChatRoute(app, gateway, governance);
  registerChatCompletionsRoute(app, gateway, governance);
  const responseStore = options.responseStore ?? new LazyResponseStore(config.governance.databaseUrl);
  app.addHook('onClose', () => responseStore.close());
  registerResponsesRoutes(app, gateway, governance, {
    store: responseStore,
    retentionDays: config.governance.responsesRetentionDays,
  });
  registerModelsRoutes(app, gateway);
  registerEmbeddingsRoute(app, gateway, governance);
  registerMessagesRoute(app, gateway, governance);
  registerCountTokensRoute(app, gateway, governance);
  registerGeminiRoutes(app, gateway, governance);
  if (options.keyAdmin !== undefined) registerKeysRoutes(app, options.keyAdmin);
  if (options.store !== undefined) {
    registerUsageRoute(app, options.store);
    registerUsageSeriesRoutes(app, options.store);
    registerRequestLogRoute(app, options.store);
    registerRequestDetailRoute(app, options.store);
  }
  registerGatewayStatusRoutes(app, { config, gateway, admission: options.admission });
  if (sessions !== undefined) await registerUi(app, sessions);
  if (gateway.cache !== undefined) registerCacheRoute(app, gateway.cache);
  return app;
}
