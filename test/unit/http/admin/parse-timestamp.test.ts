import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GatewayError } from '../../../../src/errors/gateway-error.ts';
import { parseTimestamp } from '../../../../src/http/admin/parse-timestamp.ts';

describe('parseTimestamp', () => {
  it('reads RFC 3339, with any offset', () => {
    assert.equal(parseTimestamp('2026-01-01T00:00:00Z', 'from'), Date.UTC(2026, 0, 1));
    assert.equal(parseTimestamp('2026-01-01T01:00:00+01:00', 'from'), Date.UTC(2026, 0, 1));
  });

  it('reads a leap second (from=…T23:59:60Z was a 500 on Postgres) as the next second', () => {
    assert.equal(parseTimestamp('2016-12-31T23:59:60Z', 'from'), Date.UTC(2017, 0, 1));
    assert.equal(parseTimestamp('2016-12-31T23:59:60.250Z', 'to'), Date.UTC(2017, 0, 1) + 250);
    assert.equal(parseTimestamp('2016-12-31T18:59:60-05:00', 'to'), Date.UTC(2017, 0, 1));
  });

  it('refuses what it cannot read with a 400 naming the field', () => {
    assert.throws(
      () => parseTimestamp('not a date', 'expires_at'),
      (error: unknown) => error instanceof GatewayError && error.status === 400 && error.param === 'expires_at',
    );
  });
});
