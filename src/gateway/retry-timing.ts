import type { IncomingHttpHeaders } from 'node:http';
import type { RoutingPolicy } from '../config/gateway-config.ts';

/**
 * The upstream's wish for a pause, from `retry-after-ms` (the OpenAI SDK's header) or `retry-after`
 * (seconds, or an HTTP date). Undefined when it expresses none.
 */
export function retryAfterMs(
  headers: Readonly<Record<string, string>> | IncomingHttpHeaders,
  now = Date.now(),
): number | undefined {
  const milliseconds = Number(headers['retry-after-ms']);
  if (headers['retry-after-ms'] !== undefined && Number.isFinite(milliseconds) && milliseconds >= 0)
    return milliseconds;
  const value = headers['retry-after'];
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * The wait before retry number `retry` (0 for the first retry): exponential backoff with full jitter,
 * `random(0, min(max, initial · 2^retry))`, but never less than the upstream's `Retry-After`.
 */
export function backoffDelayMs(
  policy: RoutingPolicy,
  retry: number,
  upstreamWish: number | undefined,
  random = Math.random,
): number {
  const ceiling = Math.min(policy.backoffMaxMs, policy.backoffInitialMs * 2 ** retry);
  const jittered = Math.floor(random() * ceiling);
  return upstreamWish === undefined ? jittered : Math.max(jittered, upstreamWish);
}

/** Waits `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
