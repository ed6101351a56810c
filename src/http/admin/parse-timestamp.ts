import { invalidRequest } from '../../errors/gateway-error.ts';

/** `…T23:59:60…`: RFC 3339 allows a leap second, which `Date.parse` does not read. */
const leapSecond = /^(.+[Tt ]\d{2}:\d{2}:)60(.*)$/;

/**
 * Epoch ms of an RFC 3339 timestamp the schema has already checked the shape of
 * (https://www.rfc-editor.org/rfc/rfc3339#section-5.6). A leap second is read as the second after it,
 * as PostgreSQL and POSIX clocks do; a date JavaScript cannot represent is a 400 naming `field`.
 */
export function parseTimestamp(value: string, field: string): number {
  const epoch = Date.parse(value);
  if (!Number.isNaN(epoch)) return epoch;
  const leap = leapSecond.exec(value);
  if (leap !== null) {
    const beforeLeap = Date.parse(`${leap[1]}59${leap[2]}`);
    if (!Number.isNaN(beforeLeap)) return beforeLeap + 1_000;
  }
  throw invalidRequest(`${field} is not a date the gateway can read: use RFC 3339, e.g. 2026-01-31T00:00:00Z.`, field);
}
