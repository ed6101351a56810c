import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';

/** One dependency readiness depends on: the store, Redis. */
export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
}

/** A readiness failure whose message is safe to show (it names no host, no credential). */
export class NotReadyError extends Error {
  override name = 'NotReadyError';
}

/** A dependency slower than this to answer counts as down. */
const checkTimeoutMs = 1_000;

const HealthSchema = Type.Object({
  status: Type.String(),
  checks: Type.Optional(Type.Record(Type.String(), Type.String())),
});

/**
 * `GET /health/live`: the process is up and serving. `GET /health/ready`: every configured dependency
 * (the store, Redis) answers within a second and the usage writer keeps up — 200, or 503 naming what
 * failed, so a load balancer stops sending traffic here. While the gateway drains at shutdown, Fastify answers 503 on its own.
 */
export function registerHealthRoutes(app: FastifyInstance, checks: readonly ReadinessCheck[]): void {
  app.get(
    '/health/live',
    {
      schema: { summary: 'Liveness: the process is up.', tags: ['health'], response: { 200: HealthSchema } },
    },
    function live() {
      return { status: 'live' };
    },
  );
  app.get(
    '/health/ready',
    {
      schema: {
        summary: 'Readiness: the store and Redis, when configured, are reachable.',
        tags: ['health'],
        response: { 200: HealthSchema, 503: HealthSchema },
      },
    },
    async function ready(_request, reply) {
      const results = await Promise.all(checks.map(async ({ name, check }) => [name, await run(check)] as const));
      const failed = results.some(([, result]) => result !== 'ok');
      reply.code(failed ? 503 : 200);
      return { status: failed ? 'not_ready' : 'ready', checks: Object.fromEntries(results) };
    },
  );
}

async function run(check: () => Promise<void>): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`no answer within ${checkTimeoutMs} ms`), checkTimeoutMs);
  });
  try {
    return await Promise.race([check().then(() => 'ok'), timeout]);
  } catch (error) {
    if (error instanceof NotReadyError) return error.message;
    // Only the kind of failure: the endpoint is often public, and driver messages can name hosts.
    const code = error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
    return `unreachable${code === undefined ? '' : ` (${code})`}`;
  } finally {
    clearTimeout(timer);
  }
}
