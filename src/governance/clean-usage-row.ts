import type { UsageRow } from '../store/store-records.ts';

/**
 * The row with its text fields made storable anywhere: NUL removed (Postgres TEXT cannot hold it) and
 * lone UTF-16 surrogates replaced by U+FFFD (they have no UTF-8 form). The same object when already clean.
 */
export function cleanUsageRow(row: UsageRow): UsageRow {
  const cleaned: UsageRow = {
    ...row,
    requestId: cleanText(row.requestId),
    keyId: cleanNullable(row.keyId),
    model: cleanNullable(row.model),
    provider: cleanNullable(row.provider),
    upstreamModel: cleanNullable(row.upstreamModel),
    route: cleanText(row.route),
    errorCode: cleanNullable(row.errorCode),
  };
  const changed =
    cleaned.requestId !== row.requestId ||
    cleaned.keyId !== row.keyId ||
    cleaned.model !== row.model ||
    cleaned.provider !== row.provider ||
    cleaned.upstreamModel !== row.upstreamModel ||
    cleaned.route !== row.route ||
    cleaned.errorCode !== row.errorCode;
  return changed ? cleaned : row;
}

function cleanNullable(text: string | null): string | null {
  return text === null ? null : cleanText(text);
}

/** Text any store can hold: well-formed UTF-16, no NUL. */
export function cleanText(text: string): string {
  const wellFormed = text.isWellFormed() ? text : text.toWellFormed();
  return wellFormed.includes('\0') ? wellFormed.replaceAll('\0', '') : wellFormed;
}
