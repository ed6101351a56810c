import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SignInThrottle } from '../../../src/http/ui/sign-in-throttle.ts';
import { readCookie, UiSessions } from '../../../src/http/ui/ui-sessions.ts';

const masterKey = 'mk-unit-master-key-0123456789';

/** The store's part, in memory; counts its lookups. */
function memoryStore() {
  const rows = new Map<string, number>();
  return {
    rows,
    lookups: 0,
    async insertUiSession(tokenHash: string, expiresAt: number) {
      rows.set(tokenHash, expiresAt);
    },
    async findUiSession(tokenHash: string) {
      this.lookups += 1;
      return rows.get(tokenHash);
    },
    async deleteUiSession(tokenHash: string) {
      rows.delete(tokenHash);
    },
  };
}

describe('dashboard sign-in sessions', () => {
  it('issues an opaque token for the master key only, until it expires or is signed out', async () => {
    let now = 1_000;
    const store = memoryStore();
    const sessions = new UiSessions({ masterKey, lifetimeMs: 60_000, store, now: () => now });
    assert.equal(await sessions.signIn('not-the-key'), undefined);
    assert.equal(store.rows.size, 0);
    const token = await sessions.signIn(masterKey);
    assert.ok(token !== undefined && token !== masterKey && token.length >= 40);
    assert.ok(!store.rows.has(token), 'the store keeps a hash, never the token');
    assert.equal(sessions.isValid(token), true, 'its own sign-in is known at once');
    assert.equal(await sessions.isValid(`${token}x`), false);
    assert.equal(sessions.isValid(undefined), false);
    now += 60_000;
    assert.equal(await sessions.isValid(token), false, 'expired');
    const second = await sessions.signIn(masterKey);
    await sessions.signOut(second);
    assert.equal(await sessions.isValid(second), false, 'signed out');
  });

  it('shares sign-ins through the store: known to another process, signed out everywhere', async () => {
    let now = 1_000;
    const store = memoryStore();
    const first = new UiSessions({ masterKey, lifetimeMs: 60_000, store, cacheMs: 1_000, now: () => now });
    const second = new UiSessions({ masterKey, lifetimeMs: 60_000, store, cacheMs: 1_000, now: () => now });
    const token = await first.signIn(masterKey);
    const answer = second.isValid(token);
    assert.ok(answer instanceof Promise, 'a sign-in this process has not seen is looked up');
    assert.equal(await answer, true);
    const lookups = store.lookups;
    assert.equal(second.isValid(token), true, 'then answered from memory, without a tick');
    assert.equal(store.lookups, lookups);
    await first.signOut(token);
    assert.equal(await first.isValid(token), false, 'signed out where it was made, at once');
    now += 1_000;
    assert.equal(await second.isValid(token), false, 'and on the other process once its memory is a second old');
  });

  it('reads one cookie out of a Cookie header', () => {
    assert.equal(readCookie('a=1; llm_proxy_ui=abc; b=2', 'llm_proxy_ui'), 'abc');
    assert.equal(readCookie('xllm_proxy_ui=abc', 'llm_proxy_ui'), undefined);
    assert.equal(readCookie(undefined, 'llm_proxy_ui'), undefined);
  });

  it('throttles sign-in attempts per address within a window', () => {
    let now = 0;
    const throttle = new SignInThrottle({ max: 3, windowMs: 60_000, now: () => now });
    for (let attempt = 0; attempt < 3; attempt++) assert.equal(throttle.attempt('10.0.0.1'), 0);
    assert.equal(throttle.attempt('10.0.0.1'), 60);
    assert.equal(throttle.attempt('10.0.0.2'), 0, 'another address is not held back');
    now += 60_000;
    assert.equal(throttle.attempt('10.0.0.1'), 0, 'a new window starts over');
  });
});
