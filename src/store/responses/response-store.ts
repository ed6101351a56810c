/**
 * Stored Responses API answers, so that `previous_response_id`, `item_reference` and the
 * `GET`/`DELETE /v1/responses/{id}` routes work for every provider. Every read and write is scoped to
 * an owner (the caller's key), so another key's id is simply not found.
 */
export interface StoredResponse {
  id: string;
  /** `key:<id>`, `master` or `anonymous`. */
  owner: string;
  /** The response object, as JSON text. */
  response: string;
  /** The whole input the response answered (after `previous_response_id` was expanded), as a JSON array. */
  inputItems: string;
  /** The response's output items with their ids, each as JSON text, for `item_reference`. */
  outputItems: ReadonlyArray<{ id: string; item: string }>;
  /** Epoch ms. */
  createdAt: number;
  /** Epoch ms after which the response is gone. */
  expiresAt: number;
}

export interface ResponseStore {
  save(response: StoredResponse): Promise<void>;
  /** The response and its input, unless missing, expired or another owner's. */
  get(owner: string, id: string): Promise<{ response: string; inputItems: string } | undefined>;
  /** Output items of the owner's stored responses, by item id (missing ones left out). */
  items(owner: string, ids: readonly string[]): Promise<Map<string, string>>;
  /** False when there was no such response of this owner. */
  delete(owner: string, id: string): Promise<boolean>;
  /** Deletes what expired before `now`. */
  purgeExpired(now: number): Promise<void>;
  close(): Promise<void>;
}

/** Tables of the response store, created if missing (it keeps its own, apart from the governance schema). */
export const responseTablesSql = (bigint: 'INTEGER' | 'BIGINT'): string[] => [
  `CREATE TABLE IF NOT EXISTS stored_responses (
    id TEXT NOT NULL,
    owner TEXT NOT NULL,
    response TEXT NOT NULL,
    input_items TEXT NOT NULL,
    created_at ${bigint} NOT NULL,
    expires_at ${bigint} NOT NULL,
    PRIMARY KEY (owner, id)
  )`,
  'CREATE INDEX IF NOT EXISTS stored_responses_expiry ON stored_responses (expires_at)',
  `CREATE TABLE IF NOT EXISTS stored_response_items (
    id TEXT NOT NULL,
    owner TEXT NOT NULL,
    response_id TEXT NOT NULL,
    item TEXT NOT NULL,
    expires_at ${bigint} NOT NULL,
    PRIMARY KEY (owner, id)
  )`,
  'CREATE INDEX IF NOT EXISTS stored_response_items_response ON stored_response_items (owner, response_id)',
  'CREATE INDEX IF NOT EXISTS stored_response_items_expiry ON stored_response_items (expires_at)',
];
