import pg from 'pg';
import { toRequestDetails } from '../map-request-details.ts';
import {
  keyPatchColumns,
  keyPatchFields,
  putUsageValues,
  toApiKeyRecord,
  toDailyUsageRow,
  toLoggedRequest,
  toNumber,
  toSeriesBucket,
  toUsageAggregate,
  type UsageValue,
  usageColumns,
} from '../map-rows.ts';
import type { RequestDetailRow, RequestDetails, RequestDetailTable } from '../request-detail-records.ts';
import { requestLogConditions } from '../request-log-conditions.ts';
import type {
  DailyUsageQuery,
  DailyUsageRow,
  LoggedRequest,
  RequestLogQuery,
  UsageSeriesBucket,
  UsageSeriesQuery,
} from '../request-log-records.ts';
import type {
  ApiKeyPatch,
  ApiKeyRecord,
  GovernanceStore,
  UsageAggregate,
  UsageGrouping,
  UsageQuery,
  UsageRow,
} from '../store-records.ts';
import { usageConditions } from '../usage-conditions.ts';
import { identityBounds, toUsageIdentity } from '../usage-identity.ts';
import { postgresMigrations } from './postgres-migrations.ts';

const groupExpressions: Record<UsageGrouping, string> = {
  key: 'key_id',
  model: 'model',
  provider: 'provider',
  day: "to_char(to_timestamp(started_at / 1000.0) AT TIME ZONE 'UTC', 'YYYY-MM-DD')",
};

/** Serialises concurrent migrations of several instances starting together. */
const migrationLockId = 0x6c6c6d70;

/**
 * The store for several gateway instances: Postgres through a `pg` pool. Usage batches go in as one
 * multi-row INSERT; rows are append-only and aggregated by query, so nothing is updated under load
 * and there is nothing to deadlock on.
 */
export class PostgresStore implements GovernanceStore {
  readonly kind = 'postgres' as const;
  readonly #pool: pg.Pool;

  constructor(connectionString: string) {
    this.#pool = new pg.Pool({ connectionString, max: 10, idleTimeoutMillis: 30_000, connectionTimeoutMillis: 5_000 });
    this.#pool.on('error', () => {
      // An idle client died (a Postgres restart); the pool replaces it. Queries report their own errors.
    });
  }

  async migrate(): Promise<void> {
    const client = await this.#pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock($1)', [migrationLockId]);
      await client.query(
        'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)',
      );
      const { rows } = await client.query('SELECT version FROM schema_migrations');
      const applied = new Set(rows.map((row: Record<string, unknown>) => toNumber(row['version'])));
      for (const migration of postgresMigrations) {
        if (applied.has(migration.version)) continue;
        for (const statement of migration.statements) await client.query(statement);
        await client.query('INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)', [
          migration.version,
          Date.now(),
        ]);
      }
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async insertKey(key: ApiKeyRecord): Promise<void> {
    await this.#pool.query(
      `INSERT INTO api_keys (id, name, key_hash, key_prefix, models, rpm_limit, tpm_limit, max_parallel, max_budget_usd,
         budget_period, expires_at, metadata, created_at, updated_at, revoked_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
      [
        key.id,
        key.name,
        key.keyHash,
        key.keyPrefix,
        key.models === null ? null : JSON.stringify(key.models),
        key.rpmLimit,
        key.tpmLimit,
        key.maxParallel,
        key.maxBudgetUsd,
        key.budgetPeriod,
        key.expiresAt,
        key.metadata === null ? null : JSON.stringify(key.metadata),
        key.createdAt,
        key.updatedAt,
        key.revokedAt,
      ],
    );
  }

  async findKeyByHash(keyHash: string): Promise<ApiKeyRecord | undefined> {
    const { rows } = await this.#pool.query('SELECT * FROM api_keys WHERE key_hash = $1', [keyHash]);
    return rows[0] === undefined ? undefined : toApiKeyRecord(rows[0]);
  }

  async getKey(id: string): Promise<ApiKeyRecord | undefined> {
    const { rows } = await this.#pool.query('SELECT * FROM api_keys WHERE id = $1', [id]);
    return rows[0] === undefined ? undefined : toApiKeyRecord(rows[0]);
  }

  async listKeys(options: { limit: number; after?: string | undefined }): Promise<ApiKeyRecord[]> {
    const { rows } = await this.#pool.query('SELECT * FROM api_keys WHERE id > $1 ORDER BY id LIMIT $2', [
      options.after ?? '',
      options.limit,
    ]);
    return rows.map(toApiKeyRecord);
  }

  async updateKey(id: string, patch: ApiKeyPatch, now: number): Promise<ApiKeyRecord | undefined> {
    const values: unknown[] = [now];
    const sets: string[] = ['updated_at = $1'];
    for (const field of keyPatchFields) {
      if (!(field in patch)) continue;
      const value = patch[field];
      values.push(
        value === undefined || value === null ? null : typeof value === 'object' ? JSON.stringify(value) : value,
      );
      sets.push(`${keyPatchColumns[field]} = $${values.length}`);
    }
    values.push(id);
    await this.#pool.query(
      `UPDATE api_keys SET ${sets.join(', ')} WHERE id = $${values.length} AND revoked_at IS NULL`,
      values,
    );
    return this.getKey(id);
  }

  async revokeKey(id: string, now: number): Promise<boolean> {
    const result = await this.#pool.query(
      'UPDATE api_keys SET revoked_at = $1, updated_at = $1 WHERE id = $2 AND revoked_at IS NULL',
      [now, id],
    );
    return (result.rowCount ?? 0) > 0;
  }

  async insertUsage(rows: readonly UsageRow[]): Promise<void> {
    if (rows.length === 0) return;
    const width = usageColumns.length;
    const values: UsageValue[] = new Array(rows.length * width);
    const tuples = rows.map((row, index) => {
      const start = index * width;
      putUsageValues(values, start, row, row.stream, row.cacheHit);
      return `(${usageColumns.map((_column, column) => `$${start + column + 1}`).join(', ')})`;
    });
    await this.#pool.query(
      `INSERT INTO usage_records (${usageColumns.join(', ')}) VALUES ${tuples.join(', ')}`,
      values,
    );
  }

  /**
   * SQLSTATE classes 22 (data exception: NUL in text, a number out of range…), 23 (integrity) and 54
   * (program limit exceeded) come from the values; anything else is the server or the connection.
   * @see https://www.postgresql.org/docs/current/errcodes-appendix.html
   */
  refusesRow(error: unknown): boolean {
    const code = error instanceof Error && 'code' in error ? error.code : undefined;
    return typeof code === 'string' && /^(22|23|54)/.test(code);
  }

  async findRecordedUsage(rows: readonly UsageRow[]): Promise<Set<string>> {
    if (rows.length === 0) return new Set();
    const { from, to, ids } = identityBounds(rows);
    const { rows: found } = await this.#pool.query(
      `SELECT request_id, started_at, finished_at FROM usage_records
       WHERE started_at BETWEEN $1 AND $2 AND request_id = ANY($3::text[])`,
      [from, to, ids],
    );
    return new Set(found.map(toUsageIdentity));
  }

  async aggregateUsage(query: UsageQuery): Promise<UsageAggregate[]> {
    const { where, values } = usageConditions(query, (index) => `$${index}`);
    const { rows } = await this.#pool.query(
      `SELECT ${groupExpressions[query.groupBy]} AS grp, COUNT(*) AS requests,
         SUM(CASE WHEN status >= 400 THEN 1 ELSE 0 END) AS errors,
         SUM(input_tokens) AS input_tokens, SUM(output_tokens) AS output_tokens, SUM(cached_tokens) AS cached_tokens,
         COALESCE(SUM(cost_usd), 0) AS cost_usd
       FROM usage_records ${where} GROUP BY grp ORDER BY grp LIMIT $${values.length + 1} OFFSET $${values.length + 2}`,
      [...values, query.limit, query.offset],
    );
    return rows.map(toUsageAggregate);
  }

  async listRequests(query: RequestLogQuery): Promise<LoggedRequest[]> {
    const { where, values } = requestLogConditions(query, (index) => `$${index}`);
    const { rows } = await this.#pool.query(
      `SELECT * FROM usage_records ${where} ORDER BY id DESC LIMIT $${values.length + 1}`,
      [...values, query.limit],
    );
    return rows.map(toLoggedRequest);
  }

  async usageSeries(query: UsageSeriesQuery): Promise<UsageSeriesBucket[]> {
    const { where, values } = usageConditions(query, (index) => `$${index + 1}`);
    const { rows } = await this.#pool.query(
      `SELECT (started_at / $1) * $1 AS bucket, COUNT(*) AS requests,
         SUM(CASE WHEN status >= 400 THEN 1 ELSE 0 END) AS errors,
         SUM(input_tokens) AS input_tokens, SUM(output_tokens) AS output_tokens, COALESCE(SUM(cost_usd), 0) AS cost_usd
       FROM usage_records ${where} GROUP BY bucket ORDER BY bucket`,
      [query.bucketMs, ...values],
    );
    return rows.map(toSeriesBucket);
  }

  async latencies(query: { from: number; to: number; limit: number }) {
    const { rows } = await this.#pool.query(
      'SELECT started_at, latency_ms FROM usage_records WHERE started_at >= $1 AND started_at < $2 ORDER BY started_at DESC LIMIT $3',
      [query.from, query.to, query.limit],
    );
    return rows.map((row: Record<string, unknown>) => ({
      startedAt: toNumber(row['started_at']),
      latencyMs: toNumber(row['latency_ms']),
    }));
  }

  async dailyUsage(query: DailyUsageQuery): Promise<DailyUsageRow[]> {
    const byKey = query.keyId === undefined ? '' : 'AND key_id = $3';
    const { rows } = await this.#pool.query(
      `SELECT ${groupExpressions.day} AS day, ${groupExpressions[query.groupBy]} AS grp, COUNT(*) AS requests,
         SUM(input_tokens) AS input_tokens, SUM(output_tokens) AS output_tokens, COALESCE(SUM(cost_usd), 0) AS cost_usd
       FROM usage_records WHERE started_at >= $1 AND started_at < $2 ${byKey} GROUP BY day, grp ORDER BY day, grp`,
      query.keyId === undefined ? [query.from, query.to] : [query.from, query.to, query.keyId],
    );
    return rows.map(toDailyUsageRow);
  }

  deleteUsageBefore(before: number, limit: number): Promise<number> {
    return this.#deleteBefore('usage_records', before, limit);
  }

  async insertRequestDetails(rows: readonly RequestDetailRow[]): Promise<void> {
    const attempts = rows.filter((row) => row.attempts !== null);
    const bodies = rows.filter((row) => row.requestBody !== null || row.responseBody !== null);
    if (attempts.length > 0) {
      await this.#pool.query(
        `INSERT INTO request_attempts (request_id, started_at, attempts)
         SELECT * FROM unnest($1::text[], $2::bigint[], $3::jsonb[])`,
        [
          attempts.map((row) => row.requestId),
          attempts.map((row) => row.startedAt),
          attempts.map((row) => JSON.stringify(row.attempts)),
        ],
      );
    }
    if (bodies.length > 0) {
      await this.#pool.query(
        `INSERT INTO request_bodies (request_id, started_at, request_body, response_body)
         SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[])`,
        [
          bodies.map((row) => row.requestId),
          bodies.map((row) => row.startedAt),
          bodies.map((row) => row.requestBody),
          bodies.map((row) => row.responseBody),
        ],
      );
    }
  }

  async findRequest(requestId: string): Promise<(LoggedRequest & { details: RequestDetails }) | undefined> {
    // Request ids are the caller's when it sent one, so not unique: the details of this very row share its start.
    const { rows } = await this.#pool.query(
      `SELECT u.*,
         (SELECT a.attempts FROM request_attempts a WHERE a.request_id = u.request_id AND a.started_at = u.started_at
           ORDER BY a.id DESC LIMIT 1) AS attempt_log,
         b.request_body, b.response_body
       FROM usage_records u
       LEFT JOIN LATERAL (SELECT request_body, response_body FROM request_bodies
         WHERE request_id = u.request_id AND started_at = u.started_at ORDER BY id DESC LIMIT 1) b ON true
       WHERE u.request_id = $1 ORDER BY u.id DESC LIMIT 1`,
      [requestId],
    );
    const found = rows[0];
    return found === undefined ? undefined : { ...toLoggedRequest(found), details: toRequestDetails(found) };
  }

  deleteDetailsBefore(table: RequestDetailTable, before: number, limit: number): Promise<number> {
    return this.#deleteBefore(table, before, limit);
  }

  /** Through the time index, a bounded batch at a time: never a scan of the table, never a long lock. */
  async #deleteBefore(table: 'usage_records' | RequestDetailTable, before: number, limit: number): Promise<number> {
    const result = await this.#pool.query(
      `DELETE FROM ${table} WHERE id IN (SELECT id FROM ${table} WHERE started_at < $1 ORDER BY started_at LIMIT $2)`,
      [before, limit],
    );
    return result.rowCount ?? 0;
  }

  async insertUiSession(tokenHash: string, expiresAt: number): Promise<void> {
    await this.#pool.query('DELETE FROM ui_sessions WHERE expires_at <= $1', [Date.now()]);
    await this.#pool.query('INSERT INTO ui_sessions (token_hash, expires_at) VALUES ($1, $2)', [tokenHash, expiresAt]);
  }

  async findUiSession(tokenHash: string): Promise<number | undefined> {
    const { rows } = await this.#pool.query('SELECT expires_at FROM ui_sessions WHERE token_hash = $1', [tokenHash]);
    return rows[0] === undefined ? undefined : toNumber(rows[0].expires_at);
  }

  async deleteUiSession(tokenHash: string): Promise<void> {
    await this.#pool.query('DELETE FROM ui_sessions WHERE token_hash = $1', [tokenHash]);
  }

  async spendSince(keyId: string, since: number): Promise<number> {
    const { rows } = await this.#pool.query(
      'SELECT COALESCE(SUM(cost_usd), 0) AS spend FROM usage_records WHERE key_id = $1 AND started_at >= $2',
      [keyId, since],
    );
    return toNumber(rows[0]?.spend);
  }

  async ping(): Promise<void> {
    await this.#pool.query('SELECT 1');
  }

  async close(): Promise<void> {
    await this.#pool.end();
  }
}
