import assert from 'node:assert/strict';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createPostgresSchema } from '../support/postgres-schema.ts';
import { startTestGateway, type TestGateway } from '../support/start-test-gateway.ts';

/** A TCP relay to a real service that a test can cut, to make that service unreachable for the gateway. */
class TcpRelay {
  readonly #sockets = new Set<Socket>();
  readonly #server: Server;

  constructor(targetPort: number) {
    this.#server = createServer((client) => {
      const upstream = connect(targetPort, '127.0.0.1');
      for (const socket of [client, upstream]) {
        this.#sockets.add(socket);
        socket.on('close', () => this.#sockets.delete(socket));
        socket.on('error', () => socket.destroy());
      }
      client.pipe(upstream).pipe(client);
    });
  }

  async start(): Promise<number> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    const address = this.#server.address();
    return typeof address === 'object' && address !== null ? address.port : 0;
  }

  /** Stops listening and drops every relayed connection. */
  async cut(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

async function ready(
  gateway: TestGateway,
): Promise<{ status: number; body: { status: string; checks: Record<string, string> } }> {
  const response = await fetch(`${gateway.url}/health/ready`);
  return {
    status: response.status,
    body: (await response.json()) as { status: string; checks: Record<string, string> },
  };
}

describe('health', () => {
  it('live always, ready with the embedded store', async () => {
    const gateway = await startTestGateway();
    try {
      const live = await fetch(`${gateway.url}/health/live`);
      assert.equal(live.status, 200);
      assert.deepEqual(await live.json(), { status: 'live' });
      assert.deepEqual(await ready(gateway), { status: 200, body: { status: 'ready', checks: { sqlite: 'ok' } } });
    } finally {
      await gateway.close();
    }
  });

  describe('with Postgres and Redis', () => {
    const postgresRelay = new TcpRelay(5432);
    const redisRelay = new TcpRelay(6379);
    let schema: Awaited<ReturnType<typeof createPostgresSchema>>;
    let gateway: TestGateway;

    before(async () => {
      schema = await createPostgresSchema();
      const [postgresPort, redisPort] = await Promise.all([postgresRelay.start(), redisRelay.start()]);
      gateway = await startTestGateway({
        env: {
          DATABASE_URL: schema.url.replace('127.0.0.1:5432', `127.0.0.1:${postgresPort}`),
          REDIS_URL: `redis://127.0.0.1:${redisPort}`,
          LLM_PROXY_MASTER_KEY: 'sk-master-health-test-0123456789',
        },
      });
    });

    after(async () => {
      await gateway.close();
      await schema.drop();
    });

    it('is ready while both answer', async () => {
      assert.deepEqual(await ready(gateway), {
        status: 200,
        body: { status: 'ready', checks: { postgres: 'ok', redis: 'ok' } },
      });
    });

    it('turns 503 when Redis is unreachable, naming it; liveness does not change', async () => {
      await redisRelay.cut();
      const answer = await ready(gateway);
      assert.equal(answer.status, 503);
      assert.equal(answer.body.status, 'not_ready');
      assert.equal(answer.body.checks['postgres'], 'ok');
      assert.match(answer.body.checks['redis'] ?? '', /^unreachable/);
      assert.equal((await fetch(`${gateway.url}/health/live`)).status, 200);
    });

    it('turns 503 when Postgres is unreachable, naming it', async () => {
      await postgresRelay.cut();
      const answer = await ready(gateway);
      assert.equal(answer.status, 503);
      assert.match(answer.body.checks['postgres'] ?? '', /^unreachable/);
    });
  });
});
