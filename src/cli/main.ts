import cluster from 'node:cluster';
import { existsSync } from 'node:fs';
import { flushCompileCache } from 'node:module';
import { parseArgs } from 'node:util';
import packageJson from '../../package.json' with { type: 'json' };
import { ConfigError } from '../config/config-error.ts';
import type { GatewayConfig } from '../config/gateway-config.ts';
import { loadConfig } from '../config/load-config.ts';
import { createLogger, flushLogger } from '../logging/create-logger.ts';
import { startGateway } from '../start-gateway.ts';
import { keysUsage, runKeysCommand } from './keys-command.ts';
import { providerReadiness } from './provider-readiness.ts';
import { applyRuntimeV8Flags } from './runtime-v8-flags.ts';
import { checkWorkerState, parseWorkers, runWorkerPool, workerListeningMessage, workerPortEnv } from './worker-pool.ts';

const usage = `llm-proxy ${packageJson.version} — a self-hosted LLM gateway

Usage:
  llm-proxy serve [--port 4000] [--host 127.0.0.1] [--config FILE] [--workers N|auto]
  llm-proxy keys create|list|revoke …   (llm-proxy keys --help)
  llm-proxy --help | --version

Options:
  --port N       Port to listen on (env PORT; default 4000)
  --host H       Address to bind (env HOST; default 127.0.0.1)
  --config FILE  YAML configuration file (env LLM_PROXY_CONFIG)
  --workers N    Worker processes sharing the port, or 'auto' for one per CPU (default 1);
                 more than one needs REDIS_URL when keys or group limits are configured
  -h, --help     Show this help
  -v, --version  Show the version

Provider keys come from the environment (OPENAI_API_KEY, ANTHROPIC_API_KEY, DEEPSEEK_API_KEY, …);
a .env file in the working directory is read when present. See README.md.`;

/** Runs the CLI; resolves to the exit code (serve resolves only when the server stops). */
export async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'keys') return keys(argv.slice(1));
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    console.error(`llm-proxy: ${error instanceof Error ? error.message : String(error)} (see llm-proxy --help)`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(usage);
    return 0;
  }
  if (values.version) {
    console.log(packageJson.version);
    return 0;
  }
  const [command = 'serve', ...extra] = positionals;
  if (command !== 'serve' || extra.length > 0) {
    console.error(`llm-proxy: unknown command '${[command, ...extra].join(' ')}' (see llm-proxy --help)`);
    return 2;
  }
  if (existsSync('.env')) process.loadEnvFile('.env');
  let config: GatewayConfig;
  let workers = 1;
  try {
    const workerPort = cluster.isWorker ? process.env[workerPortEnv] : undefined;
    const port = workerPort ?? values.port;
    config = loadConfig({
      env: process.env,
      configFile: values.config,
      host: values.host,
      port: port === undefined ? undefined : parsePort(port),
    });
    if (cluster.isPrimary && values.workers !== undefined) workers = parseWorkers(values.workers);
    checkWorkerState(config, workers);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`llm-proxy: ${error.message}`);
      return 1;
    }
    throw error;
  }
  if (workers > 1) {
    const logger = createLogger(config.server.logLevel);
    const code = await runWorkerPool({ workers, host: config.server.host, port: config.server.port, logger });
    await flushLogger(logger);
    return code;
  }
  return serve(config);
}

/** `keys` takes its own flags, plus `--config`. */
async function keys(args: string[]): Promise<number> {
  if (args.length === 0 || args.includes('--help') || args.includes('-h')) {
    console.log(keysUsage);
    return 0;
  }
  const configIndex = args.indexOf('--config');
  const configFile = configIndex === -1 ? undefined : args[configIndex + 1];
  const rest = configIndex === -1 ? args : [...args.slice(0, configIndex), ...args.slice(configIndex + 2)];
  if (existsSync('.env')) process.loadEnvFile('.env');
  try {
    return await runKeysCommand(rest, loadConfig({ env: process.env, configFile }));
  } catch (error) {
    if (error instanceof ConfigError || (error instanceof TypeError && 'code' in error)) {
      console.error(`llm-proxy: ${error.message}`);
      return error instanceof ConfigError ? 1 : 2;
    }
    throw error;
  }
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      config: { type: 'string' },
      workers: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' },
    },
  });
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) throw new ConfigError(`--port: must be an integer from 0 to 65535`);
  return port;
}

async function serve(config: GatewayConfig): Promise<number> {
  applyRuntimeV8Flags(process.execArgv);
  const logger = createLogger(config.server.logLevel);
  // A worker binds the port with SO_REUSEPORT next to its siblings, and tells the primary once it listens.
  const running = await startGateway({ config, logger, version: packageJson.version, reusePort: cluster.isWorker });
  if (cluster.isWorker) process.send?.(workerListeningMessage);
  // Node writes its compile cache at exit; a server may end by SIGKILL, so what startup loaded is kept now.
  flushCompileCache();
  logger.info(
    {
      url: running.url,
      ...providerReadiness(config.providers),
      aliases: config.models.map((alias) => alias.name),
    },
    `llm-proxy ${packageJson.version} listening on ${running.url}`,
  );
  return new Promise((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals): void => {
      // A second signal (Ctrl-C reaches a worker and its primary, which passes SIGTERM on) must not
      // kill the process with its default action halfway through the drain.
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, 'shutting down');
      running.close().then(
        () => flushLogger(logger).then(() => resolve(0)),
        (error: unknown) => {
          logger.error({ err: error }, 'shutdown failed');
          void flushLogger(logger).then(() => resolve(1));
        },
      );
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
}

/** Runs the CLI on this process's arguments and sets its exit code (bin/llm-proxy.js calls it). */
export function runCli(): void {
  main(process.argv.slice(2))
    .then(
      (code) => {
        process.exitCode = code;
      },
      (error: unknown) => {
        console.error(`llm-proxy: ${error instanceof Error ? error.message : String(error)}`);
        process.exitCode = 1;
      },
    )
    .finally(() => {
      // A worker's channel to its primary would keep the process alive after the drain.
      if (cluster.isWorker && process.connected) process.disconnect();
    });
}

if (import.meta.main) runCli();
