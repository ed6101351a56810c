import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A real client CLI ready to run, or the reason it is not (for `describe(…, { skip })`). */
export type CliInstall = { entryPoint: string; skip: false } | { skip: string };

/**
 * Installs a pinned npm CLI (`packageName@version`) into `~/.cache/llm-proxy-test/<cacheName>` once, outside
 * node_modules so that `npm ci` never downloads it; later runs reuse it. Anything that keeps it from installing
 * or answering `--version` with that version is a reason to skip, returned as text.
 */
export async function installPinnedCli(options: {
  label: string;
  packageName: string;
  version: string;
  cacheName: string;
  /** The entry point's path inside the install's `node_modules`. */
  entry: readonly string[];
  versionCheck: { timeoutMs: number; env?: NodeJS.ProcessEnv };
}): Promise<CliInstall> {
  const { label, version } = options;
  const cacheDirectory = join(homedir(), '.cache', 'llm-proxy-test', options.cacheName);
  const entryPoint = join(cacheDirectory, 'node_modules', ...options.entry);
  try {
    if (!existsSync(entryPoint)) await installInto(cacheDirectory, entryPoint, `${options.packageName}@${version}`);
    const { stdout } = await run(process.execPath, [entryPoint, '--version'], {
      timeout: options.versionCheck.timeoutMs,
      ...(options.versionCheck.env === undefined ? {} : { env: options.versionCheck.env }),
    });
    if (!stdout.includes(version)) return { skip: `${label} answered ${stdout.trim()}, not ${version}` };
    return { entryPoint, skip: false };
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n').slice(0, 3).join(' ') : String(error);
    return { skip: `${label} ${version} could not be installed or started here: ${reason}` };
  }
}

/** npm-installs into a scratch directory beside the cache and renames it in: a half install is never reused. */
async function installInto(directory: string, entryPoint: string, spec: string): Promise<void> {
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
        spec,
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
