import type { Dispatcher } from 'undici';

/** What every upstream POST carries, however its answer is read. */
export interface UpstreamCall {
  path: string;
  headers: Record<string, string>;
  body: string;
  signal: AbortSignal;
  /** Bounds the wait for the response head. */
  headersTimeoutMs: number;
}

/** undici's dispatch options for `call`, with the bound on each silence in the body. */
export function postOptions(call: UpstreamCall, bodyTimeoutMs: number): Dispatcher.DispatchOptions {
  return {
    path: call.path,
    method: 'POST',
    headers: call.headers,
    body: call.body,
    headersTimeout: call.headersTimeoutMs,
    bodyTimeout: bodyTimeoutMs,
  };
}
