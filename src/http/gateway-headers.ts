import type { FastifyReply } from 'fastify';
import type { RequestRecord } from '../gateway/request-record.ts';
import type { Governance } from '../governance/governance.ts';
import { headerText } from './header-text.ts';

/** Bounds on what the headers echo: a model name is at most this long at the door, a name more is cut. */
const maxModelHeaderLength = 512;
const maxParameterNameLength = 64;
/** Warned parameters named in the header; the log line has them all. */
const maxWarnedParameters = 16;

/**
 * Response headers saying what served the call, set just before the first byte: the provider and
 * upstream model, the upstream attempts made, the time the gateway itself spent (everything but
 * waiting on upstreams and backing off), and the parameters that could not be honoured (details are
 * in the log line).
 */
export function setGatewayHeaders(reply: FastifyReply, record: RequestRecord): void {
  if (record.provider !== undefined) reply.header('x-llm-proxy-provider', record.provider);
  if (record.upstreamModel !== undefined)
    reply.header('x-llm-proxy-model', headerText(record.upstreamModel, maxModelHeaderLength));
  if (record.attempts > 0) reply.header('x-llm-proxy-attempts', String(record.attempts));
  if (record.cache !== undefined) {
    reply.header('x-llm-proxy-cache', record.cache);
    if (record.cacheAgeSeconds !== undefined) reply.header('age', String(record.cacheAgeSeconds));
  }
  const overhead = Math.max(0, reply.elapsedTime - record.upstreamMs - record.backoffMs);
  reply.header('x-llm-proxy-overhead-ms', overhead.toFixed(2));
  if (record.warnings.length > 0) reply.header('x-llm-proxy-warnings', warnedParameters(record));
}

/**
 * `temperature, top_k`: the parameters not honoured, each header-safe (a caller's unknown field may be
 * named in any script), at most `maxWarnedParameters` of them.
 */
function warnedParameters(record: RequestRecord): string {
  const names = [...new Set(record.warnings.map((warning) => warning.parameter))];
  const shown = names.slice(0, maxWarnedParameters).map((name) => headerText(name, maxParameterNameLength));
  if (names.length > maxWarnedParameters) shown.push('...');
  return shown.join(', ');
}

/**
 * Prices a non-streaming answer once its usage is known, and says so in `x-llm-proxy-cost-usd` (a
 * stream's cost goes to its usage row only: the headers left long before the usage arrived).
 */
export function priceResponse(reply: FastifyReply, record: RequestRecord, governance: Governance): void {
  record.costUsd = governance.costOf(record);
  if (record.costUsd !== undefined) reply.header('x-llm-proxy-cost-usd', record.costUsd.toFixed(8));
}
