import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AdmissionGate } from '../../../src/gateway/admission-gate.ts';
import { watchEventLoop } from '../../../src/gateway/watch-event-loop.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Keeps the event loop busy in 200 ms slices for `ms`, as a CPU-bound process would. */
async function hogEventLoop(ms: number): Promise<void> {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    const slice = performance.now() + 200;
    while (performance.now() < slice) {
      // busy
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('watchEventLoop', () => {
  it('tightens admission while the event loop lags, and relaxes it once the loop keeps up', async () => {
    const gate = new AdmissionGate({ maxInFlight: 100, queueSize: 0, queueTimeoutMs: 100 });
    const watch = watchEventLoop(gate, 50);
    try {
      await hogEventLoop(1_300);
      await sleep(10);
      assert.ok(gate.dropRatio > 0, `tightened to ${gate.dropRatio}`);
      const tightened = gate.dropRatio;
      await sleep(800);
      assert.ok(gate.dropRatio < tightened, `relaxed to ${gate.dropRatio}`);
    } finally {
      watch.stop();
    }
  });
});
