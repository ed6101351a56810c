import { PostgresStore } from './postgres/postgres-store.ts';
import { SqliteStore } from './sqlite/sqlite-store.ts';
import type { GovernanceStore } from './store-records.ts';

/** The embedded default: a SQLite file in the working directory. */
export const defaultDatabaseUrl = 'sqlite:./data/llm-proxy.sqlite';

/** `sqlite:PATH` (or `sqlite::memory:`) → SQLite; `postgres://…` / `postgresql://…` → Postgres. Migrated on open. */
export async function openStore(databaseUrl: string): Promise<GovernanceStore> {
  const store = /^postgres(ql)?:\/\//.test(databaseUrl)
    ? new PostgresStore(databaseUrl)
    : new SqliteStore(databaseUrl.replace(/^sqlite:/, ''));
  try {
    await store.migrate();
  } catch (error) {
    await store.close().catch(() => undefined);
    throw error;
  }
  return store;
}
