import { GatewayError } from '../errors/gateway-error.ts';
import { UpstreamError } from '../errors/upstream-error.ts';

/**
 * What a failed attempt means for the next one:
 * - `retry`: worth trying again (connection faults, timeouts before the first byte, 408, 409, 429, 5xx);
 * - `next-target`: this target cannot serve it (our credentials, an unknown upstream model, an
 *   unconfigured provider, a parameter or operation it lacks), but another target may;
 * - `context-window`: the input does not fit; a larger-context group may take it;
 * - `fatal`: the request itself is at fault (an upstream 400) or the caller left: stop.
 */
export type FailureKind = 'retry' | 'next-target' | 'context-window' | 'fatal';

export function classifyFailure(error: unknown): FailureKind {
  if (error instanceof UpstreamError) {
    if (error.code === 'context_window_exceeded') return 'context-window';
    if (error.isRetryable) return 'retry';
    if (error.code === 'upstream_auth_failed' || error.upstreamStatus === 404 || error.code === 'upstream_error')
      return 'next-target';
    return 'fatal';
  }
  if (error instanceof GatewayError) {
    switch (error.code) {
      case 'provider_not_configured':
      case 'unsupported_parameter':
      case 'unsupported_operation':
        return 'next-target';
      default:
        return 'fatal';
    }
  }
  return 'fatal';
}

/** Failures that say something about the target's health (and so count towards its cool-down). */
export function countsAgainstTarget(error: unknown): boolean {
  return (
    error instanceof UpstreamError &&
    (error.isRetryable || error.code === 'upstream_auth_failed' || error.code === 'upstream_error')
  );
}
