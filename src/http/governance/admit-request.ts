import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Governance } from '../../governance/governance.ts';

/**
 * Admits a governed request against its key's limits before any upstream call, and puts the
 * `x-ratelimit-*` headers on the reply. Input tokens are estimated from the body's size (four bytes a
 * token): cheap, and reconciled with the real count once the response is in. A promise only when a
 * limiter had to be asked; otherwise the headers are set at once.
 */
export function admitRequest(
  governance: Governance,
  request: FastifyRequest,
  reply: FastifyReply,
  options: { model: string; maxOutputTokens: number | undefined; countsTokens?: boolean | undefined },
): Promise<void> | undefined {
  const length = Number(request.headers['content-length']);
  const bytes = Number.isFinite(length) && length > 0 ? length : JSON.stringify(request.body ?? '').length;
  const admitted = governance.admit({
    principal: request.principal,
    model: options.model,
    inputTokens: Math.ceil(bytes / 4),
    maxOutputTokens: options.maxOutputTokens,
    record: request.record,
    countsTokens: options.countsTokens,
  });
  if (admitted instanceof Promise) return admitted.then((headers) => setHeaders(reply, headers));
  setHeaders(reply, admitted);
  return undefined;
}

function setHeaders(reply: FastifyReply, headers: Readonly<Record<string, string>>): void {
  for (const name in headers) {
    const value = headers[name];
    if (value !== undefined) reply.header(name, value);
  }
}

/** The largest integer among the named fields of a body, for the request's output limit. */
export function outputLimitOf(body: Record<string, unknown>, fields: readonly string[]): number | undefined {
  for (const field of fields) {
    const value = body[field];
    if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
  }
  return undefined;
}
