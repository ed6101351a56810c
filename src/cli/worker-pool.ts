import cluster, { type Worker } from 'node:cluster';
import { createServer } from 'node:net';
import { availableParallelism } from 'node:os';
import type { Logger } from 'pino';
import { ConfigError } from '../config/config-error.ts';
import type { GatewayConfig } from '../config/gateway-config.ts';
import { serveClusterMetrics } from '../observability/cluster-metrics.ts';

/** How the primary tells each worker the port to bind (so `--port 0` means one port for all of them). */
export const workerPortEnv = 'LLM_PROXY_WORKER_PORT';

/** What a worker sends the primary once it listens. */
export const workerListeningMessage = 'llm-proxy:listening';

/** `--workers N` or `--workers auto` (one per CPU the process may use). */
export function parseWorkers(value: string): number {
  if (value === 'auto') return availableParallelism();
  const workers = Number(value);
  if (!/^\d+$/.test(value) || workers < 1 || workers > 256)
    throw new ConfigError(`--workers: must be 'auto' or an integer from 1 to 256`);
  return workers;
}

/**
 * State that must be one for the whole gateway cannot live in a worker's memory: with more than one
 * worker, keys (revocations, rate limits, budgets) and group limits need Redis, or each worker would
 * enforce its own copy and N workers would allow N times the limit.
 */
export function checkWorkerState(config: GatewayConfig, workers: number): void {
  if (workers <= 1 || config.redisUrl !== undefined) return;
  const limitedGroup = config.models.find((group) => group.rpmLimit !== null || group.tpmLimit !== null);
  if (config.governance.masterKey !== undefined)
    throw new ConfigError(
      `--workers ${workers} with keys needs REDIS_URL: rate limits, budgets and revocations must be shared between the worker processes`,
    );
  if (limitedGroup !== undefined)
    throw new ConfigError(
      `--workers ${workers} with rpm/tpm limits on model '${limitedGroup.name}' needs REDIS_URL: the limits must be shared between the worker processes`,
    );
}

/**
 * The primary of `serve --workers N`: forks N workers that each run the whole gateway and bind the
 * same port with SO_REUSEPORT, so the kernel spreads connections and the primary handles none of the
 * traffic. A worker that dies after it was listening is replaced; one that dies before (bad config,
 * port taken) stops the pool. SIGTERM/SIGINT are passed on, and the pool resolves when every worker
 * has drained and exited: 0 if all exited cleanly. `/metrics`, served by any worker, sums them all.
 */
export async function runWorkerPool(options: {
  workers: number;
  host: string;
  port: number;
  logger: Logger;
}): Promise<number> {
  const { workers, host, logger } = options;
  const port = options.port === 0 ? await freePort(host) : options.port;
  const listening = new WeakSet<Worker>();
  let stopping = false;
  let failed = false;
  let announced = false;

  return new Promise((resolve) => {
    const fork = (): void => {
      const worker = cluster.fork({ [workerPortEnv]: String(port) });
      worker.on('message', (message: unknown) => {
        if (message !== workerListeningMessage) return;
        listening.add(worker);
        const ready = Object.values(cluster.workers ?? {}).filter((item) => item !== undefined && listening.has(item));
        if (!announced && ready.length >= workers) {
          announced = true;
          logger.info({ workers, port }, `llm-proxy primary: ${workers} workers listening on port ${port}`);
        }
      });
    };
    const stop = (signal: NodeJS.Signals): void => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, 'llm-proxy primary: stopping workers');
      for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
    };
    cluster.on('exit', (worker, code, signal) => {
      const detail = { pid: worker.process.pid, code, signal };
      if (stopping) {
        if (code !== 0) failed = true;
      } else if (!listening.has(worker)) {
        logger.error(detail, 'llm-proxy primary: a worker failed to start; stopping');
        failed = true;
        stop('SIGTERM');
      } else {
        logger.warn(detail, 'llm-proxy primary: a worker died; starting another');
        fork();
      }
      if (stopping && Object.keys(cluster.workers ?? {}).length === 0) resolve(failed ? 1 : 0);
    });
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
    serveClusterMetrics();
    for (let index = 0; index < workers; index++) fork();
  });
}

/** A port free at this moment on `host`, for `--port 0` with workers (each worker must bind the same one). */
function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ host, port: 0 }, () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}
