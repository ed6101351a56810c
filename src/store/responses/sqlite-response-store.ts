import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { type ResponseStore, responseTablesSql, type StoredResponse } from './response-store.ts';

/** Stored responses in SQLite, on a connection of their own to the gateway's file. */
export class SqliteResponseStore implements ResponseStore {
  readonly #db: DatabaseSync;

  constructor(path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.#db = new DatabaseSync(path);
    this.#db.exec('PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;');
    for (const statement of responseTablesSql('INTEGER')) this.#db.exec(statement);
  }

  async save(stored: StoredResponse): Promise<void> {
    this.#db.exec('BEGIN IMMEDIATE');
    try {
      this.#db
        .prepare(
          `INSERT OR REPLACE INTO stored_responses (id, owner, response, input_items, created_at, expires_at)
           VALUES (?, ?, ?, ?, ?, ?)`,
        )
        .run(stored.id, stored.owner, stored.response, stored.inputItems, stored.createdAt, stored.expiresAt);
      const insertItem = this.#db.prepare(
        `INSERT OR REPLACE INTO stored_response_items (id, owner, response_id, item, expires_at) VALUES (?, ?, ?, ?, ?)`,
      );
      for (const item of stored.outputItems) {
        insertItem.run(item.id, stored.owner, stored.id, item.item, stored.expiresAt);
      }
      this.#db.exec('COMMIT');
    } catch (error) {
      this.#db.exec('ROLLBACK');
      throw error;
    }
  }

  async get(owner: string, id: string): Promise<{ response: string; inputItems: string } | undefined> {
    const row = this.#db
      .prepare('SELECT response, input_items FROM stored_responses WHERE owner = ? AND id = ? AND expires_at > ?')
      .get(owner, id, Date.now());
    if (row === undefined) return undefined;
    return { response: String(row['response']), inputItems: String(row['input_items']) };
  }

  async items(owner: string, ids: readonly string[]): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    const select = this.#db.prepare(
      'SELECT item FROM stored_response_items WHERE owner = ? AND id = ? AND expires_at > ?',
    );
    const now = Date.now();
    for (const id of ids) {
      const row = select.get(owner, id, now);
      if (row !== undefined) found.set(id, String(row['item']));
    }
    return found;
  }

  async delete(owner: string, id: string): Promise<boolean> {
    const result = this.#db.prepare('DELETE FROM stored_responses WHERE owner = ? AND id = ?').run(owner, id);
    this.#db.prepare('DELETE FROM stored_response_items WHERE owner = ? AND response_id = ?').run(owner, id);
    return Number(result.changes) > 0;
  }

  async purgeExpired(now: number): Promise<void> {
    this.#db.prepare('DELETE FROM stored_responses WHERE expires_at <= ?').run(now);
    this.#db.prepare('DELETE FROM stored_response_items WHERE expires_at <= ?').run(now);
  }

  async close(): Promise<void> {
    this.#db.close();
  }
}
