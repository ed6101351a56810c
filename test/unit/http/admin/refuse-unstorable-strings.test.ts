import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GatewayError } from '../../../../src/errors/gateway-error.ts';
import { assertStorableStrings } from '../../../../src/http/admin/refuse-unstorable-strings.ts';

const refusedAt = (param: string) => (error: unknown) =>
  error instanceof GatewayError && error.code === 'invalid_request' && error.param === param;

describe('assertStorableStrings', () => {
  it('names the first string holding NUL or a lone surrogate by its path', () => {
    assert.throws(() => assertStorableStrings({ name: 'a\u0000' }), refusedAt('name'));
    assert.throws(() => assertStorableStrings({ models: ['ok', '\ud800'] }), refusedAt('models[1]'));
    assert.throws(
      () => assertStorableStrings({ metadata: { a: [{ b: 'ok' }, { c: '\udc00' }] }, name: '\u0000' }),
      refusedAt('metadata.a[1].c'),
    );
    assert.throws(() => assertStorableStrings({ metadata: { 'k\u0000': 1 } }), refusedAt('metadata'));
  });

  it('takes well-formed text, surrogate pairs included, and values that are not strings', () => {
    assertStorableStrings({ name: 'caf\u00e9 \ud83d\ude00', models: ['*'], metadata: { n: 1, b: true, z: null } });
    assertStorableStrings(undefined);
  });

  it('walks 100,000 levels without overflowing the stack', () => {
    let value: unknown = '\u0000';
    for (let level = 0; level < 100_000; level++) value = [value];
    assert.throws(
      () => assertStorableStrings(value),
      (error: unknown) => error instanceof GatewayError,
    );
  });
});
