/** Versioned schema of the SQLite store; a migration is never edited once released, only added. */
export const sqliteMigrations: ReadonlyArray<{ version: number; statements: readonly string[] }> = [
  {
    version: 1,
    statements: [
      `CREATE TABLE api_keys (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        key_hash TEXT NOT NULL UNIQUE,
        key_prefix TEXT NOT NULL,
        models TEXT,
        rpm_limit INTEGER,
        tpm_limit INTEGER,
        max_parallel INTEGER,
        max_budget_usd REAL,
        budget_period TEXT,
        expires_at INTEGER,
        metadata TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        revoked_at INTEGER
      )`,
      `CREATE TABLE usage_records (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        request_id TEXT NOT NULL,
        key_id TEXT,
        model TEXT,
        provider TEXT,
        upstream_model TEXT,
        route TEXT NOT NULL,
        stream INTEGER NOT NULL,
        status INTEGER NOT NULL,
        error_code TEXT,
        input_tokens INTEGER NOT NULL,
        output_tokens INTEGER NOT NULL,
        cached_tokens INTEGER NOT NULL,
        cache_write_tokens INTEGER NOT NULL,
        reasoning_tokens INTEGER NOT NULL,
        cost_usd REAL,
        latency_ms REAL NOT NULL,
        ttft_ms REAL,
        attempts INTEGER NOT NULL,
        started_at INTEGER NOT NULL,
        finished_at INTEGER NOT NULL
      )`,
      'CREATE INDEX usage_records_key_time ON usage_records (key_id, started_at)',
      'CREATE INDEX usage_records_model_time ON usage_records (model, started_at)',
      'CREATE INDEX usage_records_time ON usage_records (started_at)',
    ],
  },
  {
    version: 2,
    // The dashboard's request log filters by status and provider too, and pages newest first.
    statements: [
      'CREATE INDEX usage_records_status_time ON usage_records (status, started_at)',
      'CREATE INDEX usage_records_provider_time ON usage_records (provider, started_at)',
    ],
  },
  {
    version: 3,
    // A call answered from the response cache: free, and told apart from a call upstream in every report.
    statements: ['ALTER TABLE usage_records ADD COLUMN cache_hit INTEGER NOT NULL DEFAULT 0'],
  },
  {
    version: 4,
    // A request's detail view (its attempts; its bodies when body logging is on), each in a table of its own
    // with its own retention, found by request id; and dashboard sign-ins, shared by every process.
    statements: [
      'CREATE INDEX usage_records_request ON usage_records (request_id)',
      `CREATE TABLE request_attempts (
        id INTEGER PRIMARY KEY,
        request_id TEXT NOT NULL,
        started_at INTEGER NOT NULL,
        attempts TEXT NOT NULL
      )`,
      'CREATE INDEX request_attempts_request ON request_attempts (request_id)',
      'CREATE INDEX request_attempts_time ON request_attempts (started_at)',
      `CREATE TABLE request_bodies (
        id INTEGER PRIMARY KEY,
        request_id TEXT NOT NULL,
        started_at INTEGER NOT NULL,
        request_body TEXT,
        response_body TEXT
      )`,
      'CREATE INDEX request_bodies_request ON request_bodies (request_id)',
      'CREATE INDEX request_bodies_time ON request_bodies (started_at)',
      'CREATE TABLE ui_sessions (token_hash TEXT PRIMARY KEY, expires_at INTEGER NOT NULL)',
      'CREATE INDEX ui_sessions_expiry ON ui_sessions (expires_at)',
    ],
  },
];
