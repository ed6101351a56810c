import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { GatewayConfig } from '../../src/config/gateway-config.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { createLogger } from '../../src/logging/create-logger.ts';
import { type RunningGateway, startGateway } from '../../src/start-gateway.ts';

export interface TestGateway extends RunningGateway {
  config: GatewayConfig;
  /** Every log line the gateway wrote, as raw JSON text. */
  logs: string[];
}

/**
 * Starts a real gateway on an ephemeral loopback port with the given env (nothing is read from the
 * process environment) and, optionally, a YAML config file.
 */
export async function startTestGateway(
  options: { env?: Record<string, string>; yaml?: string } = {},
): Promise<TestGateway> {
  let configFile: string | undefined;
  if (options.yaml !== undefined) {
    configFile = join(mkdtempSync(join(tmpdir(), 'llm-proxy-test-')), 'config.yaml');
    writeFileSync(configFile, options.yaml);
  }
  // An in-memory store unless a test asks for another: tests never leave files behind (a Postgres
  // store's usage journal goes to a temporary directory, not ./data).
  const journal = /^postgres/.test(options.env?.['DATABASE_URL'] ?? '')
    ? { LLM_PROXY_USAGE_JOURNAL: join(mkdtempSync(join(tmpdir(), 'llm-proxy-journal-')), 'usage') }
    : {};
  const config = loadConfig({
    env: { DATABASE_URL: 'sqlite::memory:', ...journal, ...options.env },
    configFile,
    host: '127.0.0.1',
    port: 0,
  });
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      logs.push(
        ...chunk
          .toString('utf8')
          .split('\n')
          .filter((line) => line !== ''),
      );
      callback();
    },
  });
  const logger = createLogger('info', sink);
  const running = await startGateway({ config, logger, version: '0.0.0-test' });
  return { ...running, config, logs };
}

export interface JsonResponse {
  status: number;
  headers: Headers;
  text: string;
  /** The body parsed as JSON (undefined when it is not JSON). */
  json: Record<string, unknown> & { error?: Record<string, unknown> };
}

/** POSTs JSON (or a raw string) and reads the whole answer. */
export async function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<JsonResponse> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let json: JsonResponse['json'];
  try {
    json = JSON.parse(text);
  } catch {
    json = {};
  }
  return { status: response.status, headers: response.headers, text, json };
}
