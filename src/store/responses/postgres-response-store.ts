import pg from 'pg';
import { type ResponseStore, responseTablesSql, type StoredResponse } from './response-store.ts';

/** Serialises the table creation of several instances starting together. */
const tablesLockId = 0x6c6c7273;

/** Stored responses in Postgres, on a small pool of their own, so that any instance can answer for them. */
export class PostgresResponseStore implements ResponseStore {
  readonly #pool: pg.Pool;
  #ready: Promise<void> | undefined;

  constructor(connectionString: string) {
    this.#pool = new pg.Pool({ connectionString, max: 4, idleTimeoutMillis: 30_000, connectionTimeoutMillis: 5_000 });
    this.#pool.on('error', () => {
      // An idle client died (a Postgres restart); the pool replaces it. Queries report their own errors.
    });
  }

  /** Creates the tables once, before the first query. */
  #tables(): Promise<void> {
    this.#ready ??= (async () => {
      const client = await this.#pool.connect();
      try {
        await client.query('BEGIN');
        await client.query('SELECT pg_advisory_xact_lock($1)', [tablesLockId]);
        for (const statement of responseTablesSql('BIGINT')) await client.query(statement);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        this.#ready = undefined;
        throw error;
      } finally {
        client.release();
      }
    })();
    return this.#ready;
  }

  async save(stored: StoredResponse): Promise<void> {
    await this.#tables();
    const client = await this.#pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(
        `INSERT INTO stored_responses (id, owner, response, input_items, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (owner, id) DO UPDATE SET response = EXCLUDED.response, input_items = EXCLUDED.input_items,
           created_at = EXCLUDED.created_at, expires_at = EXCLUDED.expires_at`,
        [stored.id, stored.owner, stored.response, stored.inputItems, stored.createdAt, stored.expiresAt],
      );
      for (const item of stored.outputItems) {
        await client.query(
          `INSERT INTO stored_response_items (id, owner, response_id, item, expires_at) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (owner, id) DO UPDATE SET response_id = EXCLUDED.response_id, item = EXCLUDED.item,
             expires_at = EXCLUDED.expires_at`,
          [item.id, stored.owner, stored.id, item.item, stored.expiresAt],
        );
      }
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async get(owner: string, id: string): Promise<{ response: string; inputItems: string } | undefined> {
    await this.#tables();
    const { rows } = await this.#pool.query(
      'SELECT response, input_items FROM stored_responses WHERE owner = $1 AND id = $2 AND expires_at > $3',
      [owner, id, Date.now()],
    );
    const row: Record<string, unknown> | undefined = rows[0];
    if (row === undefined) return undefined;
    return { response: String(row['response']), inputItems: String(row['input_items']) };
  }

  async items(owner: string, ids: readonly string[]): Promise<Map<string, string>> {
    await this.#tables();
    const { rows } = await this.#pool.query(
      'SELECT id, item FROM stored_response_items WHERE owner = $1 AND id = ANY($2) AND expires_at > $3',
      [owner, ids, Date.now()],
    );
    return new Map(rows.map((row: Record<string, unknown>) => [String(row['id']), String(row['item'])]));
  }

  async delete(owner: string, id: string): Promise<boolean> {
    await this.#tables();
    const result = await this.#pool.query('DELETE FROM stored_responses WHERE owner = $1 AND id = $2', [owner, id]);
    await this.#pool.query('DELETE FROM stored_response_items WHERE owner = $1 AND response_id = $2', [owner, id]);
    return (result.rowCount ?? 0) > 0;
  }

  async purgeExpired(now: number): Promise<void> {
    await this.#tables();
    await this.#pool.query('DELETE FROM stored_responses WHERE expires_at <= $1', [now]);
    await this.#pool.query('DELETE FROM stored_response_items WHERE expires_at <= $1', [now]);
  }

  async close(): Promise<void> {
    await this.#pool.end();
  }
}
