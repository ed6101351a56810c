import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { MockOpenAIUpstream } from '../support/mock-openai-upstream.ts';
import { postJson, startTestGateway, type TestGateway } from '../support/start-test-gateway.ts';
import { testKeys } from '../support/test-keys.ts';

const masterKey = 'mk-dashboard-master-key-5e2a9c71b3d4';
const chromiumPath = '/usr/bin/chromium';
/**
 * Every page is photographed on every run; into docs/dashboard/ (the README's pictures) only when
 * `UPDATE_SCREENSHOTS=1`, so that a test run never changes tracked files.
 */
const screenshots =
  process.env['UPDATE_SCREENSHOTS'] === '1'
    ? join(import.meta.dirname, '../../docs/dashboard')
    : mkdtempSync(join(tmpdir(), 'llm-proxy-dashboard-shots-'));

// Debian's chromium, driven by playwright-core: no browser download, nothing but loopback.
const browserFlags = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

describe('dashboard at /ui in Chromium', {
  skip: existsSync(chromiumPath) ? false : `${chromiumPath} is missing`,
}, () => {
  const openai = new MockOpenAIUpstream(testKeys.openai);
  const userDataDir = mkdtempSync(join(tmpdir(), 'llm-proxy-chromium-'));
  let gateway: TestGateway;
  let context: BrowserContext;
  let page: Page;
  const consoleErrors: string[] = [];
  const outsideRequests: string[] = [];
  let secret = '';

  before(async () => {
    await openai.start();
    gateway = await startTestGateway({
      yaml: 'governance:\n  usage_flush_interval_ms: 50\nrouting:\n  retries: 1\n  backoff_initial_ms: 1\nmodels:\n  fast:\n    targets: [{ provider: openai, model: gpt-4o-mini }, { provider: openai, model: gpt-4o }]\n',
      env: {
        LLM_PROXY_MASTER_KEY: masterKey,
        OPENAI_API_KEY: testKeys.openai,
        OPENAI_BASE_URL: openai.baseUrl,
        LLM_PROXY_LOG_BODIES: 'true',
      },
    });
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: chromiumPath,
      headless: true,
      args: browserFlags,
      viewport: { width: 1366, height: 768 },
      colorScheme: 'light',
      timeout: 30_000,
    });
    context.on('request', (request) => {
      const url = request.url();
      if (!url.startsWith(`${gateway.url}/`) && !url.startsWith('blob:') && !url.startsWith('data:'))
        outsideRequests.push(url);
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(`${page.url()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => consoleErrors.push(`${page.url()}: ${error.message}`));
  });

  after(async () => {
    await context?.close();
    await gateway?.close();
    await openai.close();
    rmSync(userDataDir, { recursive: true, force: true });
  });

  const shoot = (name: string) => page.screenshot({ path: join(screenshots, `${name}.png`), fullPage: true });
  const show = async (hash: string, ready: string) => {
    await page.goto(`${gateway.url}/ui#/${hash}`);
    await page.waitForSelector(ready);
  };

  it('answers 401 to admin calls and redirects /ui to sign-in without the cookie', async () => {
    const ui = await fetch(`${gateway.url}/ui`, { redirect: 'manual' });
    assert.equal(ui.status, 302);
    assert.equal(ui.headers.get('location'), '/ui/sign-in');
    for (const path of ['/admin/logs', '/admin/usage/series', '/admin/models', '/admin/status', '/admin/keys']) {
      assert.equal((await fetch(`${gateway.url}${path}`)).status, 401, path);
    }
    // A forged cookie is no sign-in either.
    const forged = await fetch(`${gateway.url}/admin/logs`, { headers: { cookie: 'llm_proxy_ui=forged' } });
    assert.equal(forged.status, 401);
  });

  it('refuses a wrong key on the form, then signs in with the master key', async () => {
    await page.goto(`${gateway.url}/ui`);
    assert.match(page.url(), /\/ui\/sign-in$/);
    await page.getByLabel('Master key').fill('not-the-master-key-at-all');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').waitFor();
    assert.equal(await page.getByRole('alert').textContent(), 'That is not the master key.');
    assert.match(page.url(), /\/ui\/sign-in$/);
    await shoot('sign-in');
    await page.getByLabel('Master key').fill(masterKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/ui(#.*)?$/);
    const cookie = (await context.cookies()).find((item) => item.name === 'llm_proxy_ui');
    assert.ok(cookie !== undefined);
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.sameSite, 'Strict');
    assert.notEqual(cookie.value, masterKey);
    const stored = String(await page.evaluate('JSON.stringify({ ...window.localStorage }) + document.cookie'));
    assert.ok(!stored.includes(masterKey) && !stored.includes(cookie.value), 'nothing readable by script');
    for (const label of ['Overview', 'Keys', 'Usage', 'Logs', 'Models', 'Playground']) {
      await page.getByRole('navigation').getByRole('link', { name: label, exact: true }).waitFor();
    }
  });

  it('refuses a cookie-authenticated change without the CSRF header', async () => {
    const cookie = (await context.cookies()).find((item) => item.name === 'llm_proxy_ui');
    const response = await fetch(`${gateway.url}/admin/keys`, {
      method: 'POST',
      headers: { cookie: `llm_proxy_ui=${cookie?.value}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'forged' }),
    });
    assert.equal(response.status, 401);
  });

  it('creates a key in the UI and shows its secret once', async () => {
    await show('keys', 'text=No keys yet.');
    await page.getByRole('button', { name: 'Create key' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Name', { exact: true }).fill('team-alpha');
    await dialog.getByLabel('Requests per minute').fill('600');
    await dialog.getByLabel('Budget (USD)').fill('25');
    await dialog.getByLabel('Budget period').selectOption('monthly');
    await dialog.getByRole('button', { name: 'Create' }).click();
    secret = (await page.locator('#new-key-secret').textContent()) ?? '';
    assert.match(secret, /^sk-/);
    await page.getByRole('button', { name: 'Copy' }).waitFor();
    await shoot('keys-created');
    await page.getByRole('button', { name: 'Done' }).click();
    // The dialog goes on its `close` event, a task after the click.
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    await page.getByRole('cell', { name: 'team-alpha', exact: true }).waitFor();
    assert.ok(!(await page.content()).includes(secret), 'the secret is gone once the dialog closes');
    await page.reload();
    await page.getByRole('cell', { name: 'team-alpha', exact: true }).waitFor();
    assert.ok(!(await page.content()).includes(secret), 'and is never shown again');
  });

  it('shows a request made with that key in Logs and in Usage', async () => {
    for (const [model, stream] of [
      ['fast', false],
      ['openai/gpt-4o-mini', true],
      ['fast', true],
    ] as const) {
      const answer = await postJson(
        `${gateway.url}/v1/chat/completions`,
        { model, stream, messages: [{ role: 'user', content: 'hi' }] },
        { authorization: `Bearer ${secret}` },
      );
      assert.equal(answer.status, 200, answer.text);
    }
    const failed = await postJson(
      `${gateway.url}/v1/chat/completions`,
      { model: 'openai/gpt-4o', messages: [{ role: 'robot', content: 'hi' }] },
      { authorization: `Bearer ${secret}` },
    );
    assert.ok(failed.status >= 400);
    // One call that fails upstream once and is retried: its detail lists both attempts and the redacted bodies.
    openai.enqueue({ status: 500, body: { error: { message: 'boom', type: 'server_error' } } });
    const retried = await postJson(
      `${gateway.url}/v1/chat/completions`,
      { model: 'openai/gpt-4o', messages: [{ role: 'user', content: 'write to ops@example.com' }] },
      { authorization: `Bearer ${secret}`, 'x-request-id': 'retried-in-browser' },
    );
    assert.equal(retried.status, 200, retried.text);
    // The rows are written in the background (every 50 ms here).
    await page.waitForTimeout(300);
    await show('logs', 'table');
    await page.getByRole('cell', { name: 'team-alpha', exact: true }).first().waitFor();
    assert.ok((await page.getByRole('cell', { name: 'team-alpha', exact: true }).count()) >= 3);
    await page.getByRole('cell', { name: 'gpt-4o-mini', exact: true }).first().waitFor();
    // The status filter keeps the failed call only.
    await page.getByLabel('Status').selectOption('error');
    await page.getByRole('button', { name: 'Filter' }).click();
    await waitForRows(page, 1);
    await page.getByLabel('Status').selectOption('');
    await page.getByRole('button', { name: 'Filter' }).click();
    await waitForRows(page, 5);
    await page.getByRole('button', { name: 'retried-in-br' }).click();
    await page.getByRole('heading', { name: 'Request detail' }).waitFor();
    const attempts = page.getByRole('heading', { name: 'Attempts' }).locator('xpath=following-sibling::*[1]');
    await attempts.getByRole('cell', { name: 'retried', exact: true }).waitFor();
    await attempts.getByRole('cell', { name: 'succeeded', exact: true }).waitFor();
    assert.equal(await attempts.locator('tbody tr').count(), 2);
    const requestBody = (await page.getByLabel('Request body').textContent()) ?? '';
    assert.match(requestBody, /write to \[redacted\]/);
    assert.ok(!requestBody.includes('ops@example.com'));
    // A JSON body is indented for reading, one field a line.
    assert.match(requestBody, /\n {2}"model": "openai\/gpt-4o",\n/);
    assert.match((await page.getByLabel('Response body').textContent()) ?? '', /You said: write to \[redacted\]/);
    await shoot('logs');

    await show('usage?group_by=key', '.uplot');
    await page.locator('.u-legend').getByText('team-alpha').waitFor();
    await page.getByRole('cell', { name: 'team-alpha', exact: true }).waitFor();
    await shoot('usage');
    // Grouped by day: one row per UTC day, today's holding the calls above.
    await show('usage?group_by=day', '.uplot');
    await page.getByRole('columnheader', { name: 'Day' }).waitFor();
    await page.getByRole('cell', { name: new Date().toISOString().slice(0, 10), exact: true }).waitFor();
    // A key's own usage, from the Keys page.
    await show('keys', 'text=team-alpha');
    await page.getByRole('link', { name: 'Usage of team-alpha' }).click();
    await page.getByText('Usage of the key team-alpha only.').waitFor();
    await page.getByRole('cell', { name: 'fast', exact: true }).waitFor();
  });

  it('shows the overview, models and playground pages', async () => {
    await show('overview', '.uplot');
    assert.equal(await page.locator('.uplot').count(), 5);
    await page.getByRole('heading', { name: 'Top models' }).waitFor();
    await shoot('overview');

    await show('models', 'text=Model groups');
    await page.getByRole('cell', { name: 'openai/gpt-4o-mini' }).waitFor();
    await shoot('models');

    await show('playground', '#playground-model');
    await page.getByLabel('Model').fill('fast');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByRole('cell', { name: 'x-llm-proxy-provider' }).waitFor();
    await page.waitForFunction("document.getElementById('playground-output').textContent !== ''");
    // A stream's cost comes after its headers: the page reads it from the request log once recorded.
    await page.getByRole('heading', { name: 'Recorded' }).waitFor();
    const cost = page.getByRole('cell', { name: 'Cost', exact: true }).locator('xpath=following-sibling::td[1]');
    assert.match((await cost.textContent()) ?? '', /^\$0\.\d+/);
    await shoot('playground');
  });

  it('revokes the key after a confirmation', async () => {
    await show('keys', 'text=team-alpha');
    await page.getByRole('button', { name: 'Revoke' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Revoke key' }).click();
    await page.getByText('revoked', { exact: true }).waitFor();
    await shoot('keys');
    const refused = await postJson(
      `${gateway.url}/v1/chat/completions`,
      { model: 'fast', messages: [{ role: 'user', content: 'hi' }] },
      { authorization: `Bearer ${secret}` },
    );
    assert.equal(refused.status, 401);
  });

  it('is readable on a phone and in dark mode', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.emulateMedia({ colorScheme: 'dark' });
    await show('overview', '.uplot');
    await shoot('overview-phone-dark');
    await page.setViewportSize({ width: 1366, height: 768 });
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('signs out', async () => {
    await show('overview', '.uplot');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/ui\/sign-in$/);
    const response = await page.request.get(`${gateway.url}/admin/status`);
    assert.equal(response.status(), 401);
  });

  it('logged no console error and fetched nothing from outside the gateway', () => {
    assert.deepEqual(consoleErrors, []);
    assert.deepEqual(outsideRequests, []);
  });
});

/**
 * Waits until the page's table has `count` rows, polling from here: `page.waitForFunction` evaluates its
 * predicate as a string in the page, which the dashboard's Content-Security-Policy (no eval) refuses
 * whenever the first check does not already hold.
 */
async function waitForRows(page: Page, count: number): Promise<void> {
  const rows = page.locator('tbody tr');
  for (let tries = 0; tries < 200; tries += 1) {
    if ((await rows.count()) === count) return;
    await page.waitForTimeout(25);
  }
  assert.equal(await rows.count(), count, 'rows in the table');
}
