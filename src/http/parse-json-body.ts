import type { FastifyInstance, FastifyRequest } from 'fastify';
import secureJson from 'secure-json-parse';
import { invalidRequest } from '../errors/gateway-error.ts';
import { maxNestingDepth, namesPrototypeKey, scanJsonText, tooDeep } from './json-nesting-depth.ts';
import { rejectUnrecordableText } from './recorded-text.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** A JSON body's text as received ('' for other bodies): passthrough routes forward it (`rewriteBodyModel`). */
    bodyText: string;
  }
}

/** Fastify's defaults: a body whose keys would poison a prototype is refused. */
const poisoningOptions = { protoAction: 'error', constructorAction: 'error' } as const;

/** Raised for an empty or malformed body; mapped to 400 `invalid_request` like Fastify's own. */
class JsonBodyError extends Error {
  readonly code: string;
  readonly statusCode = 400;
  constructor(code: 'FST_ERR_CTP_EMPTY_JSON_BODY' | 'FST_ERR_CTP_INVALID_JSON_BODY') {
    super(code === 'FST_ERR_CTP_EMPTY_JSON_BODY' ? 'empty JSON body' : 'invalid JSON body');
    this.code = code;
  }
}

/**
 * Parses a JSON body with the same guarantees as Fastify's default parser, and less work per body; a body
 * nested deeper than `maxNestingDepth` is refused (400) before anything recursive walks it.
 *
 * Fastify's parser runs two prototype-poisoning regular expressions over every body (about 1% of a proxied
 * request's CPU). Here one pass (`scanJsonText`) finds the nesting depth and any string that reads
 * `__proto__` or `constructor`; only a body with such a string, a `\u` escape (which could spell one) or a
 * byte-order mark takes the full check (`secure-json-parse`).
 */
export function parseJsonBody(text: string): unknown {
  if (text.length === 0) throw new JsonBodyError('FST_ERR_CTP_EMPTY_JSON_BODY');
  const scan = scanJsonText(text);
  let value: unknown;
  try {
    // Too deep: parsed only to tell invalid JSON (as before) from a body refused for its depth; the
    // value is dropped, and JSON.parse itself does not recurse.
    if ((scan & tooDeep) === 0 && ((scan & namesPrototypeKey) !== 0 || mayEscapeOrMark(text)))
      value = secureJson.parse(text, poisoningOptions);
    else value = JSON.parse(text);
  } catch {
    throw new JsonBodyError('FST_ERR_CTP_INVALID_JSON_BODY');
  }
  if ((scan & tooDeep) !== 0)
    throw invalidRequest(`The request body is nested deeper than ${maxNestingDepth} levels of arrays and objects.`);
  return value;
}

/** A byte-order mark, or a `\u` escape anywhere (a key could spell `__proto__` with one). */
function mayEscapeOrMark(text: string): boolean {
  return text.charCodeAt(0) === 0xfeff || text.includes('\\u');
}

/** Replaces Fastify's `application/json` parser with `parseJsonBody` (same limits, same errors). */
export function registerJsonBodyParser(app: FastifyInstance): void {
  app.decorateRequest('bodyText', '');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser(
    'application/json',
    { parseAs: 'string' },
    function parseJson(
      request: FastifyRequest,
      body: string | Buffer,
      done: (error: Error | null, value?: unknown) => void,
    ) {
      const received = typeof body === 'string' ? body : body.toString('utf8');
      // A byte-order mark is dropped once, here: neither parsed nor forwarded upstream (RFC 8259 §8.1
      // lets a parser ignore it; an upstream may not).
      const text = received.charCodeAt(0) === 0xfeff ? received.slice(1) : received;
      // An empty body is no body (many HTTP helpers send `content-type: application/json` on every
      // call, DELETE included): only a route that takes a body refuses it.
      if (text.length === 0 && request.routeOptions.schema?.body === undefined) {
        done(null, undefined);
        return;
      }
      let value: unknown;
      try {
        value = parseJsonBody(text);
        // NUL and lone surrogates reach a parsed string only through a `\u` escape.
        if (request.routeConfig?.governed === true && text.includes('\\u')) rejectUnrecordableText(value);
        request.bodyText = text;
      } catch (error) {
        done(error as Error);
        return;
      }
      done(null, value);
    },
  );
}
