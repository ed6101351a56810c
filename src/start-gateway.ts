import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { GatewayConfig } from './config/gateway-config.ts';
import { Gateway } from './gateway/gateway.ts';
import { buildApp } from './http/build-app.ts';

export interface RunningGateway {
  app: FastifyInstance;
  gateway: Gateway;
  /** `http://host:port` the server listens on. */
  url: string;
  /** Stops accepting, lets in-flight requests finish, closes upstream pools. */
  close(): Promise<void>;
}

/** The composition root: builds the gateway and its HTTP app from config, and listens. */
export async function startGateway(options: {
  config: GatewayConfig;
  logger: Logger;
  version: string;
}): Promise<RunningGateway> {
  const { config, logger, version } = options;
  const gateway = new Gateway(config);
  const app = await buildApp({ config, gateway, logger, version });
  await app.listen({ host: config.server.host, port: config.server.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.server.port;
  const host = config.server.host.includes(':') ? `[${config.server.host}]` : config.server.host;
  let closing: Promise<void> | undefined;
  return {
    app,
    gateway,
    url: `http://${host}:${port}`,
    close() {
      closing ??= app.close().then(() => gateway.close());
      return closing;
    },
  };
}
