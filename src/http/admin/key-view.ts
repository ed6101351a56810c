import type { ApiKeyRecord } from '../../store/store-records.ts';

const iso = (epoch: number | null): string | null => (epoch === null ? null : new Date(epoch).toISOString());

/** A stored key as the admin API shows it: the visible prefix, never the secret or its hash. */
export function toKeyView(record: ApiKeyRecord) {
  return {
    id: record.id,
    name: record.name,
    key_prefix: record.keyPrefix,
    models: record.models,
    rpm_limit: record.rpmLimit,
    tpm_limit: record.tpmLimit,
    max_budget_usd: record.maxBudgetUsd,
    budget_period: record.budgetPeriod,
    max_parallel: record.maxParallel,
    expires_at: iso(record.expiresAt),
    metadata: record.metadata,
    created_at: iso(record.createdAt) ?? '',
    updated_at: iso(record.updatedAt) ?? '',
    revoked_at: iso(record.revokedAt),
  };
}
