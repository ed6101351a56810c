import assert from 'node:assert/strict';
import { validateHeaderValue } from 'node:http';
import { describe, it } from 'node:test';
import { headerText } from '../../../src/http/header-text.ts';

describe('headerText', () => {
  it('encodeURI threw URIError on a lone surrogate from a YAML alias: made well-formed, then encoded', () => {
    const value = headerText('gpt-\ud800', 512);
    assert.equal(value, 'gpt-%EF%BF%BD');
    validateHeaderValue('x-llm-proxy-model', value);
  });

  it('non-Latin-1 and control characters, which Node refuses in a header, are percent-encoded', () => {
    for (const text of ['ключ', 'a\u0000b', 'tab\there', 'line\r\nbreak', '😀', 'é']) {
      const value = headerText(text, 64);
      assert.match(value, /^[\x21-\x7e]*$/, value);
      validateHeaderValue('x-llm-proxy-warnings', value);
      assert.equal(decodeURI(value), text);
    }
  });

  it('a long value is cut to the bound without splitting an escape', () => {
    for (const text of [
      'x'.repeat(100_000),
      'é'.repeat(5_000),
      `${'x'.repeat(251)}é`,
      `${'x'.repeat(252)}é`,
      `${'x'.repeat(253)}é`,
    ]) {
      const value = headerText(text, 256);
      assert.ok(value.length <= 256, `${value.length} characters`);
      assert.ok(value.endsWith('...'));
      assert.doesNotMatch(value.slice(0, -3), /%.?$/, 'an escape was split');
    }
    assert.equal(headerText('gpt-4o', 256), 'gpt-4o');
  });
});
