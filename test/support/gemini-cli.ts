import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type CliInstall, installPinnedCli } from './pinned-cli.ts';

const run = promisify(execFile);

/** The Gemini CLI these tests pin (a bundled package of about 30 MB, no native parts). */
export const geminiCliVersion = '0.61.0';

/** The version check runs with a private home under the cache, as the tests run it. */
const versionHome = join(homedir(), '.cache', 'llm-proxy-test', `gemini-cli-${geminiCliVersion}`, 'home');

export type GeminiCliInstall = CliInstall;

/** `@google/gemini-cli@geminiCliVersion`, installed once into a cache directory (`installPinnedCli`). */
export async function installGeminiCli(): Promise<GeminiCliInstall> {
  return installPinnedCli({
    label: 'Gemini CLI',
    packageName: '@google/gemini-cli',
    version: geminiCliVersion,
    cacheName: `gemini-cli-${geminiCliVersion}`,
    entry: ['@google', 'gemini-cli', 'bundle', 'gemini.js'],
    versionCheck: {
      timeoutMs: 60_000,
      env: { ...isolatedEnvironment(versionHome), GEMINI_CLI_NO_RELAUNCH: 'true' },
    },
  });
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
