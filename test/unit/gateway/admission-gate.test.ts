import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GatewayError } from '../../../src/errors/gateway-error.ts';
import { AdmissionGate } from '../../../src/gateway/admission-gate.ts';

const never = new AbortController().signal;

function refusal(error: unknown): string {
  assert.ok(error instanceof GatewayError);
  assert.equal(error.code, 'overloaded');
  assert.equal(error.status, 503);
  assert.equal(error.headers['retry-after'], '1');
  return error.message;
}

describe('AdmissionGate', () => {
  it('admits up to the limit at once, queues the next ones, and refuses past the queue', () => {
    const gate = new AdmissionGate({ maxInFlight: 2, queueSize: 1, queueTimeoutMs: 10_000 });
    assert.equal(gate.enter(never), undefined);
    assert.equal(gate.enter(never), undefined);
    const queued = gate.enter(never);
    assert.ok(queued instanceof Promise);
    assert.equal(gate.queued, 1);
    assert.throws(
      () => gate.enter(never),
      (error) => /limit of 2 concurrent/.test(refusal(error)),
    );
    assert.equal(gate.shed.full, 1);
    gate.leave();
    assert.equal(gate.inFlight, 2, 'the slot went to the waiter');
    assert.equal(gate.queued, 0);
    return queued;
  });

  it('serves waiters first in, first out', async () => {
    const gate = new AdmissionGate({ maxInFlight: 1, queueSize: 3, queueTimeoutMs: 10_000 });
    gate.enter(never);
    const order: number[] = [];
    const waiting = [1, 2, 3].map((id) => gate.enter(never)?.then(() => order.push(id)));
    gate.leave();
    gate.leave();
    gate.leave();
    await Promise.all(waiting);
    assert.deepEqual(order, [1, 2, 3]);
    gate.leave();
    assert.equal(gate.inFlight, 0);
  });

  it('refuses a waiter whose slot does not free in time, and drops one whose caller left', async () => {
    const gate = new AdmissionGate({ maxInFlight: 1, queueSize: 2, queueTimeoutMs: 30 });
    gate.enter(never);
    const late = gate.enter(never);
    const caller = new AbortController();
    const leaving = gate.enter(caller.signal);
    caller.abort(new Error('gone'));
    await assert.rejects(leaving as Promise<void>, /gone/);
    await assert.rejects(late as Promise<void>, (error) => /no slot freed in time/.test(refusal(error)));
    assert.equal(gate.queued, 0);
    assert.equal(gate.shed.queue_timeout, 1);
    gate.leave();
    assert.equal(gate.inFlight, 0);
  });

  it('refuses early when every slot and the queue are taken, and a growing share while the event loop lags', () => {
    const gate = new AdmissionGate({ maxInFlight: 2, queueSize: 0, queueTimeoutMs: 100 });
    assert.equal(gate.refuseEarly(), false);
    gate.enter(never);
    gate.enter(never);
    assert.equal(gate.refuseEarly(), true);
    assert.equal(gate.shed.full, 1);
    gate.leave();
    gate.leave();
    const share = () => {
      let refused = 0;
      for (let index = 0; index < 10_000; index++) if (gate.refuseEarly()) refused++;
      return refused / 10_000;
    };
    assert.equal(share(), 0);
    gate.tighten();
    gate.tighten();
    gate.tighten();
    assert.ok(Math.abs(gate.dropRatio - 0.3) < 1e-9);
    assert.ok(Math.abs(share() - 0.3) < 0.03);
    for (let index = 0; index < 20; index++) gate.tighten();
    assert.equal(gate.dropRatio, 0.95, 'some requests always get through');
    for (let index = 0; index < 40; index++) gate.relax();
    assert.equal(gate.dropRatio, 0);
    assert.ok(gate.shed.event_loop > 0);
  });
});
