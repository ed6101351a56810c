import type { IncomingHttpHeaders } from 'node:http';
import { GatewayError } from '../errors/gateway-error.ts';
import type { AttemptScope, GatewayObserver } from '../gateway/gateway-observer.ts';
import type { RequestRecord } from '../gateway/request-record.ts';
import type { GatewayMetrics } from './gateway-metrics.ts';
import type { Tracing } from './tracing.ts';

const noScope: AttemptScope = { traceparent: undefined, end() {} };

/**
 * Metrics and tracing behind one observer: the gateway reports attempts and cool-downs to it, the
 * HTTP layer reports requests starting and ending. Either half may be off; with both off every call
 * returns at once.
 */
export class GatewayObservability implements GatewayObserver {
  readonly metrics: GatewayMetrics | undefined;
  readonly tracing: Tracing | undefined;

  constructor(options: { metrics: GatewayMetrics | undefined; tracing: Tracing | undefined }) {
    this.metrics = options.metrics;
    this.tracing = options.tracing;
  }

  requestStarted(record: RequestRecord, headers: IncomingHttpHeaders, method: string, route: string): void {
    this.metrics?.requestStarted();
    this.tracing?.startRequest(record, headers, method, route);
  }

  /** `status` is 499 when the caller went away before the response was complete. */
  requestEnded(record: RequestRecord, route: string, status: number): void {
    this.metrics?.requestEnded(record, route, status);
    this.tracing?.endRequest(record, status);
  }

  /** A request refused by admission before it reached a route (no record, no span). */
  refused(route: string): void {
    this.metrics?.refused(route);
  }

  attemptStarted(record: RequestRecord, provider: string, model: string): AttemptScope {
    const metrics = this.metrics;
    if (metrics === undefined && this.tracing === undefined) return noScope;
    const span = this.tracing?.startAttempt(record, provider, model);
    const started = performance.now();
    return {
      traceparent: span?.traceparent,
      end(error: unknown) {
        const code = error === undefined ? undefined : error instanceof GatewayError ? error.code : 'internal_error';
        metrics?.attemptEnded(provider, model, (performance.now() - started) / 1000, code ?? 'ok');
        span?.end(code);
      },
    };
  }

  cooldownStarted(target: string, local: boolean): void {
    this.metrics?.cooldownStarted(target, local);
  }

  async close(): Promise<void> {
    await this.tracing?.close();
  }
}
