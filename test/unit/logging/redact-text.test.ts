import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../../../src/config/load-config.ts';
import { configuredSecrets } from '../../../src/logging/configured-secrets.ts';
import { maxLoggedBodyChars, redactForLog } from '../../../src/logging/redact-text.ts';

describe('redactForLog', () => {
  it('replaces credentials, e-mail addresses and card-like numbers', () => {
    const text = [
      'sk-proj-abcdefghijklmnop0123',
      'sk-ant-api03-abcdefghijklmnop',
      'AKIAABCDEFGHIJKLMNOP',
      'Bearer abc.def.ghi-123456',
      'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
      'jane.doe@example.com',
      '4111 1111 1111 1111',
    ].join(' | ');
    const out = redactForLog(text);
    assert.equal(out, Array.from({ length: 7 }, () => '[redacted]').join(' | '));
  });

  it('cuts long bodies after redacting, so a secret straddling the cut leaves no recognisable head', () => {
    const secret = 'sk-proj-ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
    const text = `${'x'.repeat(maxLoggedBodyChars - 10)} ${secret} ${'y'.repeat(5000)}`;
    const out = redactForLog(text);
    assert.ok(out.endsWith('…[truncated]'));
    assert.ok(out.length <= maxLoggedBodyChars + '…[truncated]'.length);
    assert.equal(out.includes('sk-proj'), false);
  });

  it('leaves ordinary text alone', () => {
    assert.equal(redactForLog('the meeting is at 10:30 on 2026-11-27'), 'the meeting is at 10:30 on 2026-11-27');
  });

  it("body logging leaked the master key: the gateway's own credentials are redacted by value, whatever their shape", () => {
    const config = loadConfig({
      env: {
        LLM_PROXY_MASTER_KEY: 'mk-plain-master-0123456789',
        LLM_PROXY_METRICS_TOKEN: 'metrics"token\\0123',
        DEEPSEEK_API_KEY: 'deepseek0123456789abcdef',
        AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
        GROQ_API_KEY: 'short',
      },
    });
    const secrets = configuredSecrets(config);
    const body = JSON.stringify({
      prompt: 'mk-plain-master-0123456789 metrics"token\\0123 deepseek0123456789abcdef',
      aws: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      short: 'short',
    });
    assert.equal(
      redactForLog(body, secrets),
      '{"prompt":"[redacted] [redacted] [redacted]","aws":"[redacted]","short":"short"}',
      'as written and as escaped in JSON; values under 8 characters are not redacted',
    );
  });
});
