import { GatewayError } from '../errors/gateway-error.ts';
import type { ApiKeyPatch, ApiKeyRecord, BudgetPeriod, GovernanceStore } from '../store/store-records.ts';
import { generateApiKey, newKeyId } from './api-key.ts';

export interface NewKey {
  name: string;
  models?: string[] | undefined;
  rpmLimit?: number | undefined;
  tpmLimit?: number | undefined;
  maxParallel?: number | undefined;
  maxBudgetUsd?: number | undefined;
  budgetPeriod?: BudgetPeriod | undefined;
  expiresAt?: number | undefined;
  metadata?: Record<string, unknown> | undefined;
}

/**
 * Creating, changing and revoking gateway keys, for the admin API and the CLI. Every change tells
 * `onChanged` the key's hash, so caches here and on other instances drop it.
 */
export class KeyAdmin {
  readonly #store: GovernanceStore;
  readonly #onChanged: (keyHash: string) => void;

  constructor(store: GovernanceStore, onChanged: (keyHash: string) => void) {
    this.#store = store;
    this.#onChanged = onChanged;
  }

  /** Creates a key; the secret is returned this once and never stored. */
  async create(input: NewKey, now = Date.now()): Promise<{ record: ApiKeyRecord; key: string }> {
    const { key, hash, prefix } = generateApiKey();
    const record: ApiKeyRecord = {
      id: newKeyId(now),
      name: input.name,
      keyHash: hash,
      keyPrefix: prefix,
      models: input.models ?? null,
      rpmLimit: input.rpmLimit ?? null,
      tpmLimit: input.tpmLimit ?? null,
      maxParallel: input.maxParallel ?? null,
      maxBudgetUsd: input.maxBudgetUsd ?? null,
      budgetPeriod: input.budgetPeriod ?? null,
      expiresAt: input.expiresAt ?? null,
      metadata: input.metadata ?? null,
      createdAt: now,
      updatedAt: now,
      revokedAt: null,
    };
    await this.#store.insertKey(record);
    this.#onChanged(hash);
    return { record, key };
  }

  list(options: { limit: number; after?: string | undefined }): Promise<ApiKeyRecord[]> {
    return this.#store.listKeys(options);
  }

  async get(id: string): Promise<ApiKeyRecord> {
    const record = await this.#store.getKey(id);
    if (record === undefined) throw new GatewayError('key_not_found', `No key with id '${id}'.`, { param: 'id' });
    return record;
  }

  async update(id: string, patch: ApiKeyPatch, now = Date.now()): Promise<ApiKeyRecord> {
    const current = await this.get(id);
    if (current.revokedAt !== null)
      throw new GatewayError('invalid_request', `The key '${id}' is revoked and cannot change.`, { param: 'id' });
    const updated = await this.#store.updateKey(id, patch, now);
    if (updated === undefined) throw new GatewayError('key_not_found', `No key with id '${id}'.`, { param: 'id' });
    this.#onChanged(updated.keyHash);
    return updated;
  }

  /** Revokes a key at once, on every instance (within a second when Redis is configured). */
  async revoke(id: string, now = Date.now()): Promise<ApiKeyRecord> {
    const current = await this.get(id);
    if (current.revokedAt === null) await this.#store.revokeKey(id, now);
    this.#onChanged(current.keyHash);
    return this.get(id);
  }
}
