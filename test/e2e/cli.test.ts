import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import packageJson from '../../package.json' with { type: 'json' };

const root = join(import.meta.dirname, '..', '..');
const cli = join(root, 'bin', 'llm-proxy.js');
/** A clean environment: no provider keys from the developer's shell. */
const env = { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '' };

function run(args: string[], extraEnv: Record<string, string> = {}) {
  return spawnSync(process.execPath, [cli, ...args], {
    encoding: 'utf8',
    env: { ...env, ...extraEnv },
    cwd: tmpdir(),
  });
}

/** Waits until the server logs its listening line; returns the URL. */
function waitForListening(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffer = '';
    const timer = setTimeout(() => reject(new Error(`no listening line; output so far: ${buffer}`)), 15_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      const match = /listening on (http:\/\/[^"\s]+)/.exec(buffer);
      if (match?.[1] !== undefined) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code}: ${buffer}`)));
  });
}

/** The exit code, or a SIGKILL after 10 s so a stuck child cannot hang the suite. */
function exitCode(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

describe('llm-proxy CLI', () => {
  it('--help prints usage and exits 0', () => {
    const result = run(['--help']);
    assert.equal(result.status, 0);
    assert.match(result.stdout, /llm-proxy serve \[--port 4000\] \[--host 127\.0\.0\.1\] \[--config FILE\]/);
  });

  it('--version prints the package version', () => {
    const result = run(['--version']);
    assert.equal(result.status, 0);
    assert.equal(result.stdout.trim(), packageJson.version);
  });

  it('runs as an executable (its first line sets the runtime settings npm start uses)', () => {
    // The `node` on PATH must be the one running these tests (Node 24).
    const path = `${dirname(process.execPath)}${delimiter}${env.PATH}`;
    const result = spawnSync(cli, ['--version'], { encoding: 'utf8', env: { ...env, PATH: path }, cwd: tmpdir() });
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout.trim(), packageJson.version);
    assert.equal(packageJson.bin['llm-proxy'], 'bin/llm-proxy.js');
    const settings = /^#!\/usr\/bin\/env -S (.*)$/m.exec(readFileSync(cli, 'utf8'))?.[1];
    assert.equal(`exec env ${settings} bin/llm-proxy.js serve`, packageJson.scripts.start, 'the same settings');
  });

  it('an unknown flag or command exits 2 with a one-line reason', () => {
    const flag = run(['serve', '--prot', '1']);
    assert.equal(flag.status, 2);
    assert.equal(flag.stderr.trim().split('\n').length, 1);
    assert.equal(run(['launch']).status, 2);
  });

  it('bad configuration exits 1 with a one-line reason naming the field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'llm-proxy-cli-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'server:\n  port: "not a port"\n');
    const result = run(['serve', '--config', file]);
    assert.equal(result.status, 1);
    assert.equal(result.stderr.trim().split('\n').length, 1);
    assert.match(result.stderr, /server\.port/);
    const badEnv = run(['serve'], { OPENAI_BASE_URL: 'not-a-url' });
    assert.equal(badEnv.status, 1);
    assert.match(badEnv.stderr, /^llm-proxy: OPENAI_BASE_URL: must be an http\(s\) URL\n$/);
  });

  it('keys create, list and revoke work on the configured store, showing the secret only at creation', () => {
    const database = `sqlite:${join(mkdtempSync(join(tmpdir(), 'llm-proxy-keys-')), 'keys.sqlite')}`;
    const created = run(
      [
        'keys',
        'create',
        '--name',
        'ci',
        '--rpm',
        '60',
        '--models',
        'openai/*,fast',
        '--budget',
        '5',
        '--period',
        'daily',
      ],
      { DATABASE_URL: database },
    );
    assert.equal(created.status, 0, created.stderr);
    const key = JSON.parse(created.stdout) as {
      id: string;
      key: string;
      rpm_limit: number;
      models: string[];
      budget_period: string;
    };
    assert.match(key.key, /^sk-llmp-/);
    assert.deepEqual([key.rpm_limit, key.models, key.budget_period], [60, ['openai/*', 'fast'], 'daily']);
    const listed = run(['keys', 'list'], { DATABASE_URL: database });
    assert.equal(listed.status, 0);
    assert.equal(listed.stdout.includes(key.key), false, 'list never shows a secret');
    assert.ok(listed.stdout.includes(key.id));
    const revoked = run(['keys', 'revoke', key.id], { DATABASE_URL: database });
    assert.match((JSON.parse(revoked.stdout) as { revoked_at: string }).revoked_at, /^\d{4}-/);
    assert.equal(run(['keys', 'create'], { DATABASE_URL: database }).status, 1);
    assert.equal(run(['keys', 'nonsense']).status, 2);
  });

  it('keys create refuses limits the stores cannot hold (issue 26 item 7), and the list stays readable', () => {
    const database = `sqlite:${join(mkdtempSync(join(tmpdir(), 'llm-proxy-keys-')), 'keys.sqlite')}`;
    for (const [flag, value] of [
      ['--rpm', '2147483648'],
      ['--parallel', '2147483648'],
      ['--tpm', '9007199254740993'],
      ['--budget', '1e10'],
      ['--budget', 'Infinity'],
    ] as const) {
      const refused = run(['keys', 'create', '--name', 'big', flag, value], { DATABASE_URL: database });
      assert.equal(refused.status, 1, `${flag} ${value}: ${refused.stdout}`);
      assert.match(refused.stderr, new RegExp(`^llm-proxy: ${flag} must be`));
    }
    assert.equal(run(['keys', 'list'], { DATABASE_URL: database }).status, 0);
  });

  it('`npm start -- --port N` serves /chat with the mock provider, and SIGTERM exits 0', async () => {
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const child = spawn('npm', ['start', '--silent', '--', '--port', String(port)], {
      cwd: root,
      env: { ...env, LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const url = await waitForListening(child);
      assert.equal(url, `http://127.0.0.1:${port}`);
      const response = await fetch(`${url}/chat`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ provider: 'mock', model: 'echo', prompt: 'hi' }),
      });
      assert.equal(response.status, 200);
      assert.deepEqual(await response.json(), { provider: 'mock', model: 'echo', response: 'hi' });
    } finally {
      const exited = exitCode(child);
      // npm forwards the signal to the gateway process it started.
      child.kill('SIGTERM');
      assert.equal(await exited, 0);
    }
  });
});
