import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const postgresUrl = 'postgres://postgres@127.0.0.1:5432/test';

/** A fresh schema for one test file, so runs never see each other's rows; dropped afterwards. */
export async function createPostgresSchema(): Promise<{
  url: string;
  query: (sql: string, values?: unknown[]) => Promise<Record<string, unknown>[]>;
  drop(): Promise<void>;
}> {
  const schema = `llmp_test_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: postgresUrl });
  await client.connect();
  await client.query(`CREATE SCHEMA ${schema}`);
  return {
    url: `${postgresUrl}?options=${encodeURIComponent(`-c search_path=${schema}`)}`,
    query: async (sql, values = []) => (await client.query(sql.replaceAll('{schema}', schema), values)).rows,
    async drop() {
      await client.query(`DROP SCHEMA ${schema} CASCADE`);
      await client.end();
    },
  };
}
