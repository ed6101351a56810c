import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { AdmissionGate } from './admission-gate.ts';

/** How often the delay is read and the admission bound adjusted. */
const intervalMs = 250;

/**
 * Watches the event loop's delay (`perf_hooks.monitorEventLoopDelay`) and tightens admission while its
 * mean over the last interval passes `maxDelayMs` — the process is then CPU-bound, and admitting more
 * would only make every admitted request slower — relaxing it again once the loop keeps up. The mean,
 * not the maximum, so that one long GC pause does not shed a burst of requests.
 */
export function watchEventLoop(gate: AdmissionGate, maxDelayMs: number): { stop(): void } {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  const timer = setInterval(() => {
    const meanMs = histogram.mean / 1e6;
    histogram.reset();
    if (meanMs > maxDelayMs) gate.tighten();
    else gate.relax();
  }, intervalMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      histogram.disable();
    },
  };
}
