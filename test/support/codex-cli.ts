import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The Codex CLI these tests pin; its npm package carries the native binary (about 420 MB unpacked). */
export const codexVersion = '0.171.0';

/** Where the CLI is installed once and reused: outside node_modules, so `npm ci` never downloads it. */
const cacheDirectory = join(homedir(), '.cache', 'llm-proxy-test', `codex-${codexVersion}`);
const entryPoint = join(cacheDirectory, 'node_modules', '@openai', 'codex', 'bin', 'codex.js');

export type CodexInstall = { entryPoint: string; skip: false } | { skip: string };

/**
 * Installs `@openai/codex@codexVersion` from the npm registry into a cache directory, once; later runs reuse it.
 * Anything that keeps it from installing or starting (no registry, no binary for this platform) is a reason to
 * skip, returned as text for `describe(…, { skip })`.
 */
export async function installCodexCli(): Promise<CodexInstall> {
  try {
    if (!existsSync(entryPoint)) await installInto(cacheDirectory);
    const { stdout } = await run(process.execPath, [entryPoint, '--version'], { timeout: 30_000 });
    if (!stdout.includes(codexVersion)) return { skip: `Codex CLI answered ${stdout.trim()}, not ${codexVersion}` };
    return { entryPoint, skip: false };
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n').slice(0, 3).join(' ') : String(error);
    return { skip: `Codex CLI ${codexVersion} could not be installed or started here: ${reason}` };
  }
}

/** npm-installs into a scratch directory beside the cache and renames it in: a half install is never reused. */
async function installInto(directory: string): Promise<void> {
  const scratch = `${directory}.partial-${process.pid}`;
  mkdirSync(scratch, { recursive: true });
  try {
    await run(
      'npm',
      [
        'install',
        '--prefix',
        scratch,
        '--no-save',
        '--no-package-lock',
        '--no-audit',
        '--no-fund',
        '--ignore-scripts',
        '--loglevel=error',
        `@openai/codex@${codexVersion}`,
      ],
      { timeout: 180_000, maxBuffer: 16 * 1024 * 1024 },
    );
    // A directory without the entry point is a broken install; one with it was just put there by another run.
    if (!existsSync(entryPoint)) rmSync(directory, { recursive: true, force: true });
    try {
      renameSync(scratch, directory);
    } catch (error) {
      if (!existsSync(entryPoint)) throw error;
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
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
