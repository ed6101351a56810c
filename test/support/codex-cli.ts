import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CliInstall, installPinnedCli } from './pinned-cli.ts';

/** The Codex CLI these tests pin; its npm package carries the native binary (about 420 MB unpacked). */
export const codexVersion = '0.171.0';

export type CodexInstall = CliInstall;

/** `@openai/codex@codexVersion`, installed once into a cache directory (`installPinnedCli`). */
export async function installCodexCli(): Promise<CodexInstall> {
  return installPinnedCli({
    label: 'Codex CLI',
    packageName: '@openai/codex',
    version: codexVersion,
    cacheName: `codex-${codexVersion}`,
    entry: ['@openai', 'codex', 'bin', 'codex.js'],
    versionCheck: { timeoutMs: 30_000 },
  });
}

/** The environment variable the Codex provider reads its key from (`env_key`). */
export const codexKeyVariable = 'LLM_PROXY_API_KEY';

/**
 * The `config.toml` the README documents: llm-proxy as a custom Responses provider, with everything that would
 * reach the internet turned off (update check, analytics, feedback, OpenTelemetry, the plugin marketplace sync
 * from GitHub, connected apps, model discovery).
 */
export function codexConfigToml(options: { baseUrl: string; model: string }): string {
  return `model = "${options.model}"
model_provider = "llm-proxy"
check_for_update_on_startup = false

[model_providers.llm-proxy]
name = "llm-proxy"
base_url = "${options.baseUrl}"
env_key = "${codexKeyVariable}"
wire_api = "responses"

[features]
plugins = false
remote_plugin = false
apps = false
api_key_model_discovery = false

[analytics]
enabled = false

[feedback]
enabled = false

[otel]
exporter = "none"

[history]
persistence = "none"
`;
}

export interface CodexRun {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `codex exec PROMPT` in `workdir` with a fresh CODEX_HOME holding `codexConfigToml`, no login, no retries,
 * no approvals and no sandbox (the mock decides which command runs), and an environment of its own.
 */
export async function runCodexExec(options: {
  entryPoint: string;
  baseUrl: string;
  model: string;
  prompt: string;
  workdir: string;
  apiKey: string;
  /** More `--config key=value` overrides (TOML values). */
  config?: string[];
}): Promise<CodexRun> {
  const codexHome = mkdtempSync(join(tmpdir(), 'llm-proxy-codex-home-'));
  writeFileSync(join(codexHome, 'config.toml'), codexConfigToml(options));
  const args = [
    options.entryPoint,
    'exec',
    '--strict-config',
    '--skip-git-repo-check',
    '--sandbox',
    'danger-full-access',
    '--config',
    'approval_policy="never"',
    '--config',
    'model_providers.llm-proxy.request_max_retries=0',
    '--config',
    'model_providers.llm-proxy.stream_max_retries=0',
    ...(options.config ?? []).flatMap((setting) => ['--config', setting]),
    '--cd',
    options.workdir,
    options.prompt,
  ];
  const child = execFile(process.execPath, args, {
    cwd: options.workdir,
    timeout: 90_000,
    maxBuffer: 16 * 1024 * 1024,
    env: {
      PATH: process.env['PATH'] ?? '/usr/bin:/bin',
      HOME: codexHome,
      CODEX_HOME: codexHome,
      [codexKeyVariable]: options.apiKey,
    },
  });
  child.stdin?.end();
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const exitCode = await new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)));
  rmSync(codexHome, { recursive: true, force: true });
  return { exitCode, stdout, stderr };
}
