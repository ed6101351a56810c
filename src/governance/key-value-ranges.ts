/**
 * The values a key's limits may take: those both stores hold exactly, so a value accepted always reads
 * back. Postgres `INTEGER` bounds `rpm_limit` and `max_parallel`; `tpm_limit` is a JavaScript safe
 * integer (Postgres `BIGINT`, and SQLite integers beyond it fail to read); `max_budget_usd` is
 * `NUMERIC(20, 10)`: below 10^10, in steps of 10^-10. The admin API's schema and the CLI share them.
 */
export const keyValueRanges = {
  int32Max: 2_147_483_647,
  safeIntegerMax: Number.MAX_SAFE_INTEGER,
  budgetMin: 1e-10,
  budgetBelow: 1e10,
} as const;
