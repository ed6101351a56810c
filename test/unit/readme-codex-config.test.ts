import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { codexConfigToml } from '../support/codex-cli.ts';

describe('README Codex CLI set-up', () => {
  it('shows the config.toml that test/e2e/codex-cli.test.ts runs Codex with', () => {
    const readme = readFileSync(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Codex CLI, Agents SDK, Vercel AI SDK'));
    const block = /```toml\n([\s\S]*?)```/.exec(section)?.[1];
    assert.equal(block, codexConfigToml({ baseUrl: 'http://127.0.0.1:4000/v1', model: 'claude-sonnet-4-6' }));
  });
});
