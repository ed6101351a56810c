import { invalidResponse } from '../../errors/upstream-error.ts';
import type { JsonChecker } from './json-checker.ts';

/**
 * Parses an upstream JSON body and checks it against a lenient schema. Anything unreadable becomes an
 * `UpstreamError` (502) that says what was wrong, never a crash.
 */
export function parseUpstreamJson<T>(text: string, checker: JsonChecker<T>, provider: string): T {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw invalidResponse(provider, 'body is not JSON');
  }
  if (!checker.check(value)) throw invalidResponse(provider, checker.firstError(value) ?? 'unexpected shape');
  return value;
}
