import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SignInThrottle } from '../../../src/http/ui/sign-in-throttle.ts';
import { readCookie, UiSessions } from '../../../src/http/ui/ui-sessions.ts';

const masterKey = 'mk-unit-master-key-0123456789';

describe('dashboard sign-in sessions', () => {
  it('issues an opaque token for the master key only, until it expires or is signed out', () => {
    let now = 1_000;
    const sessions = new UiSessions({ masterKey, lifetimeMs: 60_000, now: () => now });
    assert.equal(sessions.signIn('not-the-key'), undefined);
    const token = sessions.signIn(masterKey);
    assert.ok(token !== undefined && token !== masterKey && token.length >= 40);
    assert.equal(sessions.isValid(token), true);
    assert.equal(sessions.isValid(`${token}x`), false);
    assert.equal(sessions.isValid(undefined), false);
    now += 60_000;
    assert.equal(sessions.isValid(token), false, 'expired');
    const second = sessions.signIn(masterKey);
    sessions.signOut(second);
    assert.equal(sessions.isValid(second), false, 'signed out');
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
