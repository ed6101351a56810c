import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GatewayError } from '../../../../src/errors/gateway-error.ts';
import { checkKeyMetadata } from '../../../../src/http/admin/check-key-metadata.ts';

/** `{a: {a: … 1}}`, `depth` objects deep, built without recursion. */
function nested(depth: number): Record<string, unknown> {
  let value: Record<string, unknown> = { a: 1 };
  for (let level = 1; level < depth; level++) value = { a: value };
  return value;
}

const refusedAsMetadata = (message: RegExp) => (error: unknown) =>
  error instanceof GatewayError &&
  error.code === 'invalid_request' &&
  error.param === 'metadata' &&
  message.test(error.message);

describe('checkKeyMetadata', () => {
  it('takes five levels and refuses six, naming metadata', () => {
    checkKeyMetadata(nested(5));
    assert.throws(() => checkKeyMetadata(nested(6)), refusedAsMetadata(/more than 5 levels/));
  });

  it('refuses 100,000 levels without overflowing the stack (JSON.stringify did, as a 500)', () => {
    assert.throws(() => checkKeyMetadata(nested(100_000)), refusedAsMetadata(/more than 5 levels/));
  });

  it('counts keys and array items at every level, and the size as JSON', () => {
    checkKeyMetadata({ list: Array.from({ length: 499 }, (_, index) => index) });
    assert.throws(
      () => checkKeyMetadata({ list: Array.from({ length: 500 }, (_, index) => index) }),
      refusedAsMetadata(/more than 500/),
    );
    assert.throws(() => checkKeyMetadata({ text: 'é'.repeat(8_200) }), refusedAsMetadata(/bytes as JSON/));
  });

  it('lets null and absent metadata through (null clears it)', () => {
    checkKeyMetadata(null);
    checkKeyMetadata(undefined);
  });
});
