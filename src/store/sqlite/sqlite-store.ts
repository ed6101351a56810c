import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';
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
import { sqliteMigrations } from './sqlite-migrations.ts';

const groupExpressions: Record<UsageGrouping, string> = {
  key: 'key_id',
  model: 'model',
  provider: 'provider',
  day: "strftime('%Y-%m-%d', started_at / 1000, 'unixepoch')",
};

type Row = Record<string, unknown>;

/** SQLITE_TOOBIG, SQLITE_CONSTRAINT, SQLITE_MISMATCH. */
const sqliteRowErrors = new Set([18, 19, 20]);

/**
 * Usage rows bound per INSERT statement: one statement of many rows crosses from JavaScript into
 * SQLite once instead of once a row (about 3 µs a row instead of 4 in a batch of 500).
 */
const usageRowsPerStatement = 50;

function usageInsert(rows: number): string {
  const placeholders = `(${usageColumns.map(() => '?').join(', ')})`;
  return `INSERT INTO usage_records (${usageColumns.join(', ')}) VALUES ${Array(rows).fill(placeholders).join(', ')}`;
}

/**
 * The embedded store: one SQLite file (WAL mode) through `node:sqlite`. Its calls are synchronous
 * but short; the request path only reads keys on a cache miss, and usage rows arrive in background
 * batches of one transaction each.
 */
export class SqliteStore implements GovernanceStore {
  readonly kind = 'sqlite' as const;
  readonly #db: DatabaseSync;
  /**
   * Usage INSERTs by row count (at most `usageRowsPerStatement`), prepared on first use: the table exists
   * only once `migrate` has run.
   */
  readonly #usageInserts = new Map<number, StatementSync>();

  constructor(path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.#db = new DatabaseSync(path);
    this.#db.exec('PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;');
    this.#db.exec(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)',
    );
  }

  async migrate(): Promise<void> {
    const applied = new Set(this.#all('SELECT version FROM schema_migrations').map((row) => toNumber(row['version'])));
    for (const migration of sqliteMigrations) {
      if (applied.has(migration.version)) continue;
      this.#transaction(() => {
        // Another process on the same file (a worker, a second gateway) may have applied it meanwhile:
        // BEGIN IMMEDIATE holds the write lock, so this check and the migration are one step.
        if (this.#all('SELECT 1 FROM schema_migrations WHERE version = ?', migration.version).length > 0) return;
        for (const statement of migration.statements) this.#db.exec(statement);
        this.#db
          .prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)')
          .run(migration.version, Date.now());
      });
    }
  }

  async insertKey(key: ApiKeyRecord): Promise<void> {
    this.#db
      .prepare(
        `INSERT INTO api_keys (id, name, key_hash, key_prefix, models, rpm_limit, tpm_limit, max_parallel, max_budget_usd,
          budget_period, expires_at, metadata, created_at, updated_at, revoked_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
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
      );
  }

  async findKeyByHash(keyHash: string): Promise<ApiKeyRecord | undefined> {
    const row = this.#keyRows('SELECT * FROM api_keys WHERE key_hash = ?', keyHash)[0];
    return row === undefined ? undefined : toApiKeyRecord(row);
  }

  async getKey(id: string): Promise<ApiKeyRecord | undefined> {
    const row = this.#keyRows('SELECT * FROM api_keys WHERE id = ?', id)[0];
    return row === undefined ? undefined : toApiKeyRecord(row);
  }

  async listKeys(options: { limit: number; after?: string | undefined }): Promise<ApiKeyRecord[]> {
    return this.#keyRows(
      'SELECT * FROM api_keys WHERE id > ? ORDER BY id LIMIT ?',
      options.after ?? '',
      options.limit,
    ).map(toApiKeyRecord);
  }

  async updateKey(id: string, patch: ApiKeyPatch, now: number): Promise<ApiKeyRecord | undefined> {
    const sets: string[] = ['updated_at = ?'];
    const values: SQLInputValue[] = [now];
    for (const field of keyPatchFields) {
      if (!(field in patch)) continue;
      const value = patch[field];
      sets.push(`${keyPatchColumns[field]} = ?`);
      values.push(
        value === undefined || value === null ? null : typeof value === 'object' ? JSON.stringify(value) : value,
      );
    }
    this.#db.prepare(`UPDATE api_keys SET ${sets.join(', ')} WHERE id = ? AND revoked_at IS NULL`).run(...values, id);
    return this.getKey(id);
  }

  async revokeKey(id: string, now: number): Promise<boolean> {
    const result = this.#db
      .prepare('UPDATE api_keys SET revoked_at = ?, updated_at = ? WHERE id = ? AND revoked_at IS NULL')
      .run(now, now, id);
    return toNumber(result.changes) > 0;
  }

  async insertUsage(rows: readonly UsageRow[]): Promise<void> {
    if (rows.length === 0) return;
    const width = usageColumns.length;
    this.#transaction(() => {
      for (let start = 0; start < rows.length; start += usageRowsPerStatement) {
        const count = Math.min(usageRowsPerStatement, rows.length - start);
        const values: UsageValue[] = new Array(count * width);
        for (let index = 0; index < count; index++) {
          const row = rows[start + index] as UsageRow;
          // `stream` is the one boolean column: SQLite takes it as 0/1.
          putUsageValues(values, index * width, row, row.stream ? 1 : 0, row.cacheHit ? 1 : 0);
        }
        this.#usageInsert(count).run(...(values as SQLInputValue[]));
      }
    });
  }

  /**
   * SQLITE_TOOBIG, SQLITE_CONSTRAINT and SQLITE_MISMATCH come from the values; anything else (full,
   * read-only, busy, I/O) is the file. `errcode` may be an extended code: its low byte is the primary one.
   * @see https://www.sqlite.org/rescode.html
   */
  refusesRow(error: unknown): boolean {
    const code = error instanceof Error && 'errcode' in error ? error.errcode : undefined;
    return typeof code === 'number' && sqliteRowErrors.has(code & 0xff);
  }

  async findRecordedUsage(rows: readonly UsageRow[]): Promise<Set<string>> {
    if (rows.length === 0) return new Set();
    const { from, to, ids } = identityBounds(rows);
    const found = this.#all(
      `SELECT request_id, started_at, finished_at FROM usage_records
       WHERE started_at BETWEEN ? AND ? AND request_id IN (${ids.map(() => '?').join(', ')})`,
      from,
      to,
      ...ids,
    );
    return new Set(found.map(toUsageIdentity));
  }

  /**
   * The INSERT of `rows` rows, prepared once per size: a timer's flush of 137 rows is two statements
   * of 50 and one of 37, not 37 single-row statements.
   */
  #usageInsert(rows: number): StatementSync {
    let statement = this.#usageInserts.get(rows);
    if (statement === undefined) {
      statement = this.#db.prepare(usageInsert(rows));
      this.#usageInserts.set(rows, statement);
    }
    return statement;
  }

  async aggregateUsage(query: UsageQuery): Promise<UsageAggregate[]> {
    const { where, values } = usageConditions(query);
    return this.#all(
      `SELECT ${groupExpressions[query.groupBy]} AS grp, COUNT(*) AS requests,
         SUM(CASE WHEN status >= 400 THEN 1 ELSE 0 END) AS errors,
         SUM(input_tokens) AS input_tokens, SUM(output_tokens) AS output_tokens, SUM(cached_tokens) AS cached_tokens,
         COALESCE(SUM(cost_usd), 0) AS cost_usd
       FROM usage_records ${where} GROUP BY grp ORDER BY grp LIMIT ? OFFSET ?`,
      ...values,
      query.limit,
      query.offset,
    ).map(toUsageAggregate);
  }

  async listRequests(query: RequestLogQuery): Promise<LoggedRequest[]> {
    const { where, values } = requestLogConditions(query);
    return this.#all(`SELECT * FROM usage_records ${where} ORDER BY id DESC LIMIT ?`, ...values, query.limit).map(
      toLoggedRequest,
    );
  }

  async usageSeries(query: UsageSeriesQuery): Promise<UsageSeriesBucket[]> {
    const { where, values } = usageConditions(query);
    return this.#all(
      // node:sqlite binds a JavaScript number as REAL: cast it, or the division would not truncate.
      `SELECT (started_at / CAST(? AS INTEGER)) * CAST(? AS INTEGER) AS bucket, COUNT(*) AS requests,
         SUM(CASE WHEN status >= 400 THEN 1 ELSE 0 END) AS errors,
         SUM(input_tokens) AS input_tokens, SUM(output_tokens) AS output_tokens, COALESCE(SUM(cost_usd), 0) AS cost_usd
       FROM usage_records ${where} GROUP BY bucket ORDER BY bucket`,
      query.bucketMs,
      query.bucketMs,
      ...values,
    ).map(toSeriesBucket);
  }

  async latencies(query: { from: number; to: number; limit: number }) {
    return this.#all(
      'SELECT started_at, latency_ms FROM usage_records WHERE started_at >= ? AND started_at < ? ORDER BY started_at DESC LIMIT ?',
      query.from,
      query.to,
      query.limit,
    ).map((row) => ({ startedAt: toNumber(row['started_at']), latencyMs: toNumber(row['latency_ms']) }));
  }

  async dailyUsage(query: DailyUsageQuery): Promise<DailyUsageRow[]> {
    const byKey = query.keyId === undefined ? '' : 'AND key_id = ?';
    return this.#all(
      `SELECT ${groupExpressions.day} AS day, ${groupExpressions[query.groupBy]} AS grp, COUNT(*) AS requests,
         SUM(input_tokens) AS input_tokens, SUM(output_tokens) AS output_tokens, COALESCE(SUM(cost_usd), 0) AS cost_usd
       FROM usage_records WHERE started_at >= ? AND started_at < ? ${byKey} GROUP BY day, grp ORDER BY day, grp`,
      query.from,
      query.to,
      ...(query.keyId === undefined ? [] : [query.keyId]),
    ).map(toDailyUsageRow);
  }

  async deleteUsageBefore(before: number, limit: number): Promise<number> {
    return this.#deleteBefore('usage_records', before, limit);
  }

  async insertRequestDetails(rows: readonly RequestDetailRow[]): Promise<void> {
    if (rows.length === 0) return;
    const attempts = this.#db.prepare(
      'INSERT INTO request_attempts (request_id, started_at, attempts) VALUES (?, ?, ?)',
    );
    const bodies = this.#db.prepare(
      'INSERT INTO request_bodies (request_id, started_at, request_body, response_body) VALUES (?, ?, ?, ?)',
    );
    this.#transaction(() => {
      for (const row of rows) {
        if (row.attempts !== null) attempts.run(row.requestId, row.startedAt, JSON.stringify(row.attempts));
        if (row.requestBody !== null || row.responseBody !== null)
          bodies.run(row.requestId, row.startedAt, row.requestBody, row.responseBody);
      }
    });
  }

  async findRequest(requestId: string): Promise<(LoggedRequest & { details: RequestDetails }) | undefined> {
    const found = this.#all('SELECT * FROM usage_records WHERE request_id = ? ORDER BY id DESC LIMIT 1', requestId)[0];
    if (found === undefined) return undefined;
    const row = toLoggedRequest(found);
    // Request ids are the caller's when it sent one, so not unique: the details of this very row share its start.
    const attempts = this.#all(
      'SELECT attempts AS attempt_log FROM request_attempts WHERE request_id = ? AND started_at = ? ORDER BY id DESC LIMIT 1',
      requestId,
      row.startedAt,
    )[0];
    const bodies = this.#all(
      'SELECT request_body, response_body FROM request_bodies WHERE request_id = ? AND started_at = ? ORDER BY id DESC LIMIT 1',
      requestId,
      row.startedAt,
    )[0];
    return { ...row, details: toRequestDetails({ ...attempts, ...bodies }) };
  }

  async deleteDetailsBefore(table: RequestDetailTable, before: number, limit: number): Promise<number> {
    return this.#deleteBefore(table, before, limit);
  }

  /** Through the time index, a bounded batch at a time: never a scan of the table, never a long lock. */
  #deleteBefore(table: 'usage_records' | RequestDetailTable, before: number, limit: number): number {
    const result = this.#db
      .prepare(
        `DELETE FROM ${table} WHERE id IN (SELECT id FROM ${table} WHERE started_at < ? ORDER BY started_at LIMIT ?)`,
      )
      .run(before, limit);
    return toNumber(result.changes);
  }

  async insertUiSession(tokenHash: string, expiresAt: number): Promise<void> {
    this.#transaction(() => {
      this.#db.prepare('DELETE FROM ui_sessions WHERE expires_at <= ?').run(Date.now());
      this.#db.prepare('INSERT INTO ui_sessions (token_hash, expires_at) VALUES (?, ?)').run(tokenHash, expiresAt);
    });
  }

  async findUiSession(tokenHash: string): Promise<number | undefined> {
    const row = this.#db.prepare('SELECT expires_at FROM ui_sessions WHERE token_hash = ?').get(tokenHash);
    return row === undefined ? undefined : toNumber(row['expires_at']);
  }

  async deleteUiSession(tokenHash: string): Promise<void> {
    this.#db.prepare('DELETE FROM ui_sessions WHERE token_hash = ?').run(tokenHash);
  }

  async spendSince(keyId: string, since: number): Promise<number> {
    const row = this.#db
      .prepare('SELECT COALESCE(SUM(cost_usd), 0) AS spend FROM usage_records WHERE key_id = ? AND started_at >= ?')
      .get(keyId, since);
    return toNumber(row?.['spend']);
  }

  async ping(): Promise<void> {
    this.#db.prepare('SELECT 1').get();
  }

  async close(): Promise<void> {
    if (this.#db.isOpen) this.#db.close();
  }

  #all(sql: string, ...values: SQLInputValue[]): Row[] {
    return this.#db.prepare(sql).all(...values);
  }

  /**
   * Key rows with integers read as bigints: a row holding one beyond 2^53 (written before the admin API
   * bounded its values) then still reads, where `node:sqlite` would throw and break every key listing.
   */
  #keyRows(sql: string, ...values: SQLInputValue[]): Row[] {
    const statement = this.#db.prepare(sql);
    statement.setReadBigInts(true);
    return statement.all(...values);
  }

  #transaction(work: () => void): void {
    this.#db.exec('BEGIN IMMEDIATE');
    try {
      work();
      this.#db.exec('COMMIT');
    } catch (error) {
      this.#db.exec('ROLLBACK');
      throw error;
    }
  }
}
