import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The Gemini CLI these tests pin (a bundled package of about 30 MB, no native parts). */
export const geminiCliVersion = '0.61.0';

/** Where the CLI is installed once and reused: outside node_modules, so `npm ci` never downloads it. */
const cacheDirectory = join(homedir(), '.cache', 'llm-proxy-test', `gemini-cli-${geminiCliVersion}`);
const entryPoint = join(cacheDirectory, 'node_modules', '@google', 'gemini-cli', 'bundle', 'gemini.js');

export type GeminiCliInstall = { entryPoint: string; skip: false } | { skip: string };

/**
 * Installs `@google/gemini-cli@geminiCliVersion` from the npm registry into a cache directory, once; later
 * runs reuse it. Anything that keeps it from installing or starting is a reason to skip, returned as text
 * for `describe(…, { skip })`.
 */
export async function installGeminiCli(): Promise<GeminiCliInstall> {
  try {
    if (!existsSync(entryPoint)) await installInto(cacheDirectory);
    const { stdout } = await run(process.execPath, [entryPoint, '--version'], {
      timeout: 60_000,
      env: { ...isolatedEnvironment(join(cacheDirectory, 'home')), GEMINI_CLI_NO_RELAUNCH: 'true' },
    });
    if (!stdout.includes(geminiCliVersion))
      return { skip: `Gemini CLI answered ${stdout.trim()}, not ${geminiCliVersion}` };
    return { entryPoint, skip: false };
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n').slice(0, 3).join(' ') : String(error);
    return { skip: `Gemini CLI ${geminiCliVersion} could not be installed or started here: ${reason}` };
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
        `@google/gemini-cli@${geminiCliVersion}`,
      ],
      { timeout: 180_000, maxBuffer: 16 * 1024 * 1024 },
    );
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

/**
 * The `~/.gemini/settings.json` docs/gemini-compatibility.md documents: gateway auth, and everything that
 * would reach the internet off (usage statistics, telemetry, update checks).
 */
export function geminiSettings(): Record<string, unknown> {
  return {
    security: { auth: { selectedType: 'gemini-api-key' }, folderTrust: { enabled: false } },
    privacy: { usageStatisticsEnabled: false },
    telemetry: { enabled: false },
    general: {
      enableAutoUpdate: false,
      enableAutoUpdateNotification: false,
      disableAutoUpdate: true,
      disableUpdateNag: true,
    },
  };
}

/** Only what the CLI needs from the environment: a private HOME, PATH, no proxies, no inherited keys. */
function isolatedEnvironment(home: string): Record<string, string> {
  mkdirSync(join(home, '.gemini'), { recursive: true });
  writeFileSync(join(home, '.gemini', 'settings.json'), JSON.stringify(geminiSettings(), null, 2));
  return {
    HOME: home,
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    NO_COLOR: '1',
    CI: 'true',
    GEMINI_TELEMETRY_ENABLED: 'false',
  };
}

/** `gemini -p <prompt> -m <model>` against the gateway, with the gateway key as `GEMINI_API_KEY`. */
export async function runGeminiPrompt(options: {
  entryPoint: string;
  baseUrl: string;
  apiKey: string;
  model: string;
  prompt: string;
  home: string;
  workdir: string;
}): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  const env = {
    ...isolatedEnvironment(options.home),
    GOOGLE_GEMINI_BASE_URL: options.baseUrl,
    GEMINI_API_KEY: options.apiKey,
    GEMINI_CLI_NO_RELAUNCH: 'true',
    GEMINI_CLI_TRUST_WORKSPACE: 'true',
  };
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      [options.entryPoint, '-p', options.prompt, '-m', options.model, '--output-format', 'text'],
      { cwd: options.workdir, env, timeout: 120_000, maxBuffer: 16 * 1024 * 1024 },
    );
    return { exitCode: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return {
      exitCode: typeof failed.code === 'number' ? failed.code : 1,
      stdout: failed.stdout ?? '',
      stderr: failed.stderr ?? '',
    };
  }
}
