import type { RequestDetailRow, RequestDetails, RequestDetailTable } from './request-detail-records.ts';
import type {
  DailyUsageQuery,
  DailyUsageRow,
  LoggedRequest,
  RequestLogQuery,
  UsageSeriesBucket,
  UsageSeriesQuery,
} from './request-log-records.ts';

/** How often a key's budget starts over; null means a lifetime budget. */
export type BudgetPeriod = 'daily' | 'weekly' | 'monthly';

/** A gateway key as stored: the secret itself never is, only its SHA-256 and a short prefix. */
export interface ApiKeyRecord {
  id: string;
  name: string;
  /** SHA-256 of the key, hex. */
  keyHash: string;
  /** The first characters of the key, shown so people can tell keys apart. */
  keyPrefix: string;
  /** Model names or `provider/*` patterns the key may use; null for all. */
  models: string[] | null;
  rpmLimit: number | null;
  tpmLimit: number | null;
  maxParallel: number | null;
  maxBudgetUsd: number | null;
  budgetPeriod: BudgetPeriod | null;
  /** Epoch ms. */
  expiresAt: number | null;
  metadata: Record<string, unknown> | null;
  createdAt: number;
  updatedAt: number;
  revokedAt: number | null;
}

/** The fields an administrator may change on a key. */
export type ApiKeyPatch = Partial<
  Pick<
    ApiKeyRecord,
    | 'name'
    | 'models'
    | 'rpmLimit'
    | 'tpmLimit'
    | 'maxParallel'
    | 'maxBudgetUsd'
    | 'budgetPeriod'
    | 'expiresAt'
    | 'metadata'
  >
>;

/** One request, as recorded after it ended. Rows are only ever appended. */
export interface UsageRow {
  requestId: string;
  keyId: string | null;
  /** The model name the caller asked for (an alias, `provider/model`…). */
  model: string | null;
  provider: string | null;
  upstreamModel: string | null;
  route: string;
  stream: boolean;
  status: number;
  errorCode: string | null;
  inputTokens: number;
  outputTokens: number;
  cachedTokens: number;
  cacheWriteTokens: number;
  reasoningTokens: number;
  costUsd: number | null;
  latencyMs: number;
  ttftMs: number | null;
  attempts: number;
  /** Epoch ms. */
  startedAt: number;
  finishedAt: number;
  /** Answered from the response cache (no upstream call; free). */
  cacheHit: boolean;
  /**
   * Not a column: the attempts and bodies written beside the row (`insertRequestDetails`), when there are
   * any. Never journaled: after a crash the row is replayed without them.
   */
  details?: RequestDetails | undefined;
}

export type UsageGrouping = 'key' | 'model' | 'provider' | 'day';

export interface UsageQuery {
  keyId?: string | undefined;
  model?: string | undefined;
  /** Epoch ms, inclusive. */
  from?: number | undefined;
  /** Epoch ms, exclusive. */
  to?: number | undefined;
  groupBy: UsageGrouping;
  limit: number;
  offset: number;
}

export interface UsageAggregate {
  /** The key id, the model, or the UTC day (`YYYY-MM-DD`). */
  group: string | null;
  requests: number;
  errors: number;
  inputTokens: number;
  outputTokens: number;
  cachedTokens: number;
  costUsd: number;
}

/**
 * Where keys and usage live: an embedded SQLite file by default, Postgres for several instances.
 * Every statement takes parameters; no value is ever spliced into SQL.
 */
export interface GovernanceStore {
  readonly kind: 'sqlite' | 'postgres';
  /** Applies the versioned schema migrations not yet applied. */
  migrate(): Promise<void>;
  insertKey(key: ApiKeyRecord): Promise<void>;
  findKeyByHash(keyHash: string): Promise<ApiKeyRecord | undefined>;
  getKey(id: string): Promise<ApiKeyRecord | undefined>;
  /** Keys in id (creation) order after `after`, revoked ones included. */
  listKeys(options: { limit: number; after?: string | undefined }): Promise<ApiKeyRecord[]>;
  updateKey(id: string, patch: ApiKeyPatch, now: number): Promise<ApiKeyRecord | undefined>;
  /** Marks a key revoked; false when there is no such (unrevoked) key. */
  revokeKey(id: string, now: number): Promise<boolean>;
  insertUsage(rows: readonly UsageRow[]): Promise<void>;
  /**
   * Whether an error of `insertUsage` means the store refused what the rows hold (a value it cannot
   * store), rather than that it cannot write at all (unreachable, read-only, full).
   */
  refusesRow(error: unknown): boolean;
  /** Which of these rows the store already holds, by `usageIdentity` (for replaying a journal). */
  findRecordedUsage(rows: readonly UsageRow[]): Promise<Set<string>>;
  aggregateUsage(query: UsageQuery): Promise<UsageAggregate[]>;
  /** The request log: usage rows, newest first, filtered, paged by row id. */
  listRequests(query: RequestLogQuery): Promise<LoggedRequest[]>;
  /** Totals per time bucket, for charts. */
  usageSeries(query: UsageSeriesQuery): Promise<UsageSeriesBucket[]>;
  /** Latencies (ms) of up to `limit` of the newest rows in [from, to), for percentiles. */
  latencies(query: {
    from: number;
    to: number;
    limit: number;
  }): Promise<Array<{ startedAt: number; latencyMs: number }>>;
  /** Usage per UTC day and group over [from, to), for the stacked chart. */
  dailyUsage(query: DailyUsageQuery): Promise<DailyUsageRow[]>;
  /** Deletes up to `limit` usage rows started before `before` (epoch ms); returns how many went. */
  deleteUsageBefore(before: number, limit: number): Promise<number>;
  /** Writes requests' details (attempts, bodies) into their tables. */
  insertRequestDetails(rows: readonly RequestDetailRow[]): Promise<void>;
  /** The newest logged request with this id, with whatever details are still kept; undefined when none. */
  findRequest(requestId: string): Promise<(LoggedRequest & { details: RequestDetails }) | undefined>;
  /** Deletes up to `limit` rows of a details table dated before `before` (epoch ms); returns how many went. */
  deleteDetailsBefore(table: RequestDetailTable, before: number, limit: number): Promise<number>;
  /** Keeps a dashboard sign-in: its token's SHA-256 and expiry (epoch ms); expired ones go meanwhile. */
  insertUiSession(tokenHash: string, expiresAt: number): Promise<void>;
  /** The expiry (epoch ms) of the sign-in with this token hash; undefined when there is none. */
  findUiSession(tokenHash: string): Promise<number | undefined>;
  deleteUiSession(tokenHash: string): Promise<void>;
  /** A key's recorded spend since `since` (epoch ms), in USD. */
  spendSince(keyId: string, since: number): Promise<number>;
  /** Throws when the store cannot be reached. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
