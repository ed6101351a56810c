import type { GovernanceStore } from './store-records.ts';

/**
 * `sqlite:PATH` (or `sqlite::memory:`) → SQLite; `postgres://…` / `postgresql://…` → Postgres. Migrated
 * on open. Each driver is loaded only when chosen (pg alone is ~10 MB of a gateway's memory).
 */
export async function openStore(databaseUrl: string): Promise<GovernanceStore> {
  const store = /^postgres(ql)?:\/\//.test(databaseUrl)
    ? new (await import('./postgres/postgres-store.ts')).PostgresStore(databaseUrl)
    : new (await import('./sqlite/sqlite-store.ts')).SqliteStore(databaseUrl.replace(/^sqlite:/, ''));
  try {
    await store.migrate();
  } catch (error) {
    await store.close().catch(() => undefined);
    throw error;
  }
  return store;
}
