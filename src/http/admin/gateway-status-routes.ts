import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { GatewayConfig } from '../../config/gateway-config.ts';
import type { AdmissionGate } from '../../gateway/admission-gate.ts';
import type { Gateway } from '../../gateway/gateway.ts';
import { PriceTable } from '../../governance/pricing/price-table.ts';
import { findProviderDefinition } from '../../providers/registry.ts';

const admin = { errorShape: 'simple', admin: true } as const;
const Open = { additionalProperties: true } as const;

/**
 * `GET /admin/status` (this process's in-flight requests and admission queue now) and
 * `GET /admin/models` (providers, model groups with targets, live health and prices). Master key only.
 */
export function registerGatewayStatusRoutes(
  app: FastifyInstance,
  options: { config: GatewayConfig; gateway: Gateway; admission: AdmissionGate },
): void {
  const { config, gateway, admission } = options;
  const prices = new PriceTable(config.pricing);

  app.get(
    '/admin/status',
    {
      config: admin,
      schema: {
        summary: "This process's in-flight requests and admission queue, now.",
        tags: ['admin'],
        response: {
          200: Type.Object({
            in_flight: Type.Integer(),
            queued: Type.Integer(),
            max_in_flight: Type.Integer(),
            queue_size: Type.Integer(),
            drop_ratio: Type.Number(),
          }),
        },
      },
    },
    async function status() {
      return {
        in_flight: admission.inFlight,
        queued: admission.queued,
        max_in_flight: admission.limit,
        queue_size: config.server.queueSize,
        drop_ratio: admission.dropRatio,
      };
    },
  );

  const configured = new Set(gateway.providers.configured().map((provider) => provider.name));
  const providerTypes = new Map(config.providers.map((provider) => [provider.name, provider.type]));
  const providers = config.providers.map((settings) => {
    const definition = findProviderDefinition(settings.type);
    const isConfigured = configured.has(settings.name);
    return {
      name: settings.name,
      type: settings.type,
      configured: isConfigured,
      // What to set to configure it: the key variable when it is the missing piece, else the base URL's.
      missing_env: isConfigured
        ? null
        : settings.apiKey === undefined
          ? (definition?.apiKeyEnv ?? null)
          : (definition?.baseUrlEnv ?? null),
    };
  });

  app.get(
    '/admin/models',
    {
      config: admin,
      schema: {
        summary: 'Providers (configured or the variable missing), model groups with targets, live health and prices.',
        tags: ['admin'],
        response: {
          200: Type.Object(
            { providers: Type.Array(Type.Object({}, Open)), groups: Type.Array(Type.Object({}, Open)) },
            Open,
          ),
        },
      },
    },
    async function models() {
      const now = Date.now();
      const groups = gateway.models.groups().map((group) => ({
        name: group.name,
        strategy: group.strategy,
        retries: group.retries,
        fallbacks: [...group.fallbacks],
        targets: group.targets.map((target) => {
          const price = prices.lookup(
            target.provider,
            providerTypes.get(target.provider) ?? target.provider,
            target.model,
          );
          const availability = gateway.health.availability(target.key);
          const until = gateway.health.reopensAt([target.key]);
          return {
            provider: target.provider,
            model: target.model,
            weight: target.weight,
            health: availability,
            cooling_until: availability === 'cooling' && until > now ? new Date(until).toISOString() : null,
            in_flight: gateway.health.inFlight(target.key),
            latency_ms: gateway.health.latency(target.key) ?? null,
            price_per_million:
              price === undefined
                ? null
                : { input: price.input, output: price.output, cached_input: price.cachedInput },
          };
        }),
      }));
      return { providers, groups };
    },
  );
}
