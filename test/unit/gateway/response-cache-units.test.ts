import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readCacheControl } from '../../../src/gateway/cache/cache-control.ts';
import { CacheCounters } from '../../../src/gateway/cache/cache-counters.ts';
import { cacheKeyOf } from '../../../src/gateway/cache/cache-key.ts';
import { MemoryCacheStore } from '../../../src/gateway/cache/memory-cache-store.ts';

describe('response cache', () => {
  it('the memory bound holds under a fill test: least recently used entries go, and are counted', async () => {
    const counters = new CacheCounters();
    const maxBytes = 256 * 1024;
    const store = new MemoryCacheStore({ maxBytes, ttlMs: 60_000, events: counters });
    const value = 'x'.repeat(1_000);
    for (let index = 0; index < 2_000; index += 1) {
      await store.set(`key-${index}`, { storedAt: Date.now(), value });
      assert.ok(store.bytes() <= maxBytes, `${store.bytes()} bytes after ${index + 1} entries`);
    }
    assert.ok(counters.evictions > 1_500, `${counters.evictions} evictions`);
    assert.equal(await store.get('key-0'), undefined, 'the oldest went first');
    assert.equal((await store.get('key-1999'))?.value, value);
    assert.ok((await store.clear()) > 0);
    assert.equal(store.bytes(), 0);
  });

  it('keys ignore user, metadata, stream and key order, and see every other parameter', () => {
    const base = { api: 'openai-chat:chat', group: 'gpt', scope: 'k1' };
    const key = cacheKeyOf({ ...base, body: { model: 'gpt', messages: [{ role: 'user', content: 'a' }], top_p: 1 } });
    assert.equal(
      cacheKeyOf({
        ...base,
        body: { top_p: 1, user: 'u', metadata: { a: 1 }, stream: true, messages: [{ content: 'a', role: 'user' }] },
      }),
      key,
    );
    assert.notEqual(cacheKeyOf({ ...base, body: { messages: [{ role: 'user', content: 'a' }], top_p: 0.9 } }), key);
    assert.notEqual(
      cacheKeyOf({ ...base, scope: 'k2', body: { messages: [{ role: 'user', content: 'a' }], top_p: 1 } }),
      key,
    );
    assert.notEqual(
      cacheKeyOf({
        ...base,
        api: 'anthropic-messages:chat',
        body: { messages: [{ role: 'user', content: 'a' }], top_p: 1 },
      }),
      key,
    );
  });

  it('reads Cache-Control', () => {
    assert.deepEqual(readCacheControl(undefined), { lookup: true, store: true, maxAgeSeconds: undefined });
    assert.deepEqual(readCacheControl('no-cache'), { lookup: false, store: true, maxAgeSeconds: undefined });
    assert.deepEqual(readCacheControl('No-Store'), { lookup: false, store: false, maxAgeSeconds: undefined });
    assert.deepEqual(readCacheControl('max-age=30, private'), { lookup: true, store: true, maxAgeSeconds: 30 });
    assert.deepEqual(readCacheControl('max-age=abc'), { lookup: true, store: true, maxAgeSeconds: undefined });
  });
});
