import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { LazyResponseStore } from '../../../src/store/responses/open-response-store.ts';
import { PostgresResponseStore } from '../../../src/store/responses/postgres-response-store.ts';
import type { ResponseStore, StoredResponse } from '../../../src/store/responses/response-store.ts';
import { SqliteResponseStore } from '../../../src/store/responses/sqlite-response-store.ts';
import { createPostgresSchema } from '../../support/postgres-schema.ts';

function stored(id: string, owner: string, expiresAt = Date.now() + 60_000): StoredResponse {
  return {
    id,
    owner,
    response: JSON.stringify({ id, output: [{ id: `msg_${id}`, type: 'message' }] }),
    inputItems: JSON.stringify([{ role: 'user', content: 'hi' }]),
    outputItems: [{ id: `msg_${id}`, item: JSON.stringify({ id: `msg_${id}`, type: 'message' }) }],
    createdAt: Date.now(),
    expiresAt,
  };
}

function behavesAsAResponseStore(name: string, open: () => Promise<{ store: ResponseStore; done(): Promise<void> }>) {
  describe(`${name} response store`, () => {
    let store: ResponseStore;
    let done: () => Promise<void>;
    before(async () => {
      ({ store, done } = await open());
    });
    after(() => done());

    it('keeps a response, its input and its output items for their owner only', async () => {
      await store.save(stored('resp_a', 'key:one'));
      const found = await store.get('key:one', 'resp_a');
      assert.equal(JSON.parse(found?.inputItems ?? '[]')[0].content, 'hi');
      assert.equal(await store.get('key:two', 'resp_a'), undefined, "another key's id is not found");
      assert.deepEqual([...(await store.items('key:one', ['msg_resp_a', 'msg_nope'])).keys()], ['msg_resp_a']);
      assert.equal((await store.items('key:two', ['msg_resp_a'])).size, 0);
    });

    it('deletes for the owner only, items included', async () => {
      await store.save(stored('resp_b', 'key:one'));
      assert.equal(await store.delete('key:two', 'resp_b'), false);
      assert.equal(await store.delete('key:one', 'resp_b'), true);
      assert.equal(await store.get('key:one', 'resp_b'), undefined);
      assert.equal((await store.items('key:one', ['msg_resp_b'])).size, 0);
    });

    it('forgets what expired, and sweeps it', async () => {
      await store.save(stored('resp_c', 'key:one', Date.now() - 1));
      assert.equal(await store.get('key:one', 'resp_c'), undefined);
      await store.purgeExpired(Date.now());
      assert.equal((await store.items('key:one', ['msg_resp_c'])).size, 0);
    });
  });
}

behavesAsAResponseStore('SQLite', async () => {
  const store = new SqliteResponseStore(':memory:');
  return { store, done: () => store.close() };
});

behavesAsAResponseStore('Postgres', async () => {
  const schema = await createPostgresSchema();
  const store = new PostgresResponseStore(schema.url);
  return {
    store,
    async done() {
      await store.close();
      await schema.drop();
    },
  };
});

describe('a conversation continued the moment its answer arrived', () => {
  it('finds a response whose save is still in flight (Postgres: the write takes a few round trips)', async () => {
    const schema = await createPostgresSchema();
    const store = new LazyResponseStore(schema.url);
    try {
      // Warm: tables made and several idle connections, so the read does not queue behind the write.
      await Promise.all([1, 2, 3, 4].map(() => store.get('key:one', 'resp_warm')));
      const saving = store.save(stored('resp_fast', 'key:one'));
      assert.notEqual(await store.get('key:one', 'resp_fast'), undefined);
      assert.equal((await store.items('key:one', ['msg_resp_fast'])).size, 1);
      await saving;
    } finally {
      await store.close();
      await schema.drop();
    }
  });
});
