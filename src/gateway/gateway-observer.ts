import type { RequestRecord } from './request-record.ts';

/** One upstream attempt as seen by metrics and tracing. */
export interface AttemptScope {
  /** W3C `traceparent` of the attempt, sent upstream; undefined when tracing is off. */
  readonly traceparent: string | undefined;
  /** The attempt settled: `error` is what it failed with, undefined on success (for a stream: its first content). */
  end(error: unknown): void;
}

/**
 * What the gateway reports while it routes: each upstream attempt, and each target that starts a
 * cool-down. Metrics and tracing implement it (`src/observability/`); the default does nothing.
 */
export interface GatewayObserver {
  attemptStarted(record: RequestRecord, provider: string, model: string): AttemptScope;
  /** `target` is `provider/model`; `local` is false when another instance announced it. */
  cooldownStarted(target: string, local: boolean): void;
}

const noScope: AttemptScope = { traceparent: undefined, end() {} };

export const silentObserver: GatewayObserver = {
  attemptStarted: () => noScope,
  cooldownStarted() {},
};
