import type { ErrorCode } from '../../errors/error-codes.ts';
import { GatewayError } from '../../errors/gateway-error.ts';

interface ValidationIssue {
  instancePath: string;
  message?: string | undefined;
  keyword: string;
  params: Record<string, unknown>;
}

interface FrameworkError {
  code?: string;
  message?: string;
  statusCode?: number;
  validation?: ValidationIssue[];
  validationContext?: string;
}

/**
 * Turns anything thrown while serving a request into a `GatewayError`. Fastify's own errors
 * (malformed JSON, schema validation, body limits) become 4xx naming the problem; anything unknown is
 * an `internal_error` whose details stay in the log.
 */
export function toGatewayError(error: unknown): GatewayError {
  if (error instanceof GatewayError) return error;
  const framework = (typeof error === 'object' && error !== null ? error : {}) as FrameworkError;
  if (framework.validation !== undefined)
    return validationError(framework.validation, framework.validationContext ?? 'body');
  switch (framework.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new GatewayError('invalid_request', 'The request body is not valid JSON.');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new GatewayError('invalid_request', 'The request body is empty; a JSON object is required.');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new GatewayError('payload_too_large', 'The request body is larger than this route accepts.');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new GatewayError(
        'unsupported_media_type',
        'The request body must be JSON (content-type: application/json).',
      );
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new GatewayError('invalid_request', 'The content-length header does not match the body.');
    // RFC 10008: a QUERY request without a content-type must fail; the gateway takes JSON only.
    case 'FST_ERR_ROUTE_MISSING_CONTENT_TYPE':
      return new GatewayError('unsupported_media_type', 'This method requires a content-type (application/json).');
    // Routing errors answered before any route (`frameworkErrors`): the path is not echoed.
    case 'FST_ERR_BAD_URL':
      return new GatewayError('invalid_request', 'The URL holds a malformed percent-escape.');
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return new GatewayError('uri_too_long', 'A path segment of the URL is too long.');
    default:
      break;
  }
  if (error instanceof SyntaxError) return new GatewayError('invalid_request', 'The request body is not valid JSON.');
  // Reading the body failed: the client cut the connection or sent malformed chunked framing.
  if (framework.code === 'ECONNRESET' && framework.message === 'aborted')
    return new GatewayError(
      'invalid_request',
      'The request body could not be read: its chunked framing is malformed or the connection was cut.',
    );
  // Any other client error Fastify raises keeps its status, with our code and a fixed message.
  if (typeof framework.statusCode === 'number' && framework.statusCode >= 400 && framework.statusCode < 500) {
    const code = clientErrorCodes.get(framework.statusCode) ?? 'invalid_request';
    return new GatewayError(code, 'The request is malformed.');
  }
  return new GatewayError('internal_error', 'The gateway failed to handle this request.', { cause: error });
}

/** The code for a client-error status Fastify chose, where the table has one. */
const clientErrorCodes = new Map<number, ErrorCode>([
  [404, 'route_not_found'],
  [405, 'method_not_allowed'],
  [408, 'request_timeout'],
  [413, 'payload_too_large'],
  [414, 'uri_too_long'],
  [415, 'unsupported_media_type'],
  [417, 'expectation_failed'],
  [431, 'headers_too_large'],
]);

/** `/messages/0/role` → `.messages[0].role`. */
function toFieldPath(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((segment) => (/^\d+$/.test(segment) ? `[${segment}]` : `.${segment}`))
    .join('');
}

/** `body.prompt must be string; body.model is required`, with `param` set to the first field. */
function validationError(issues: ValidationIssue[], context: string): GatewayError {
  const described = issues.slice(0, 5).map((issue) => {
    const path = `${context}${toFieldPath(issue.instancePath)}`;
    if (issue.keyword === 'required' && typeof issue.params['missingProperty'] === 'string') {
      const field = `${path}.${issue.params['missingProperty']}`;
      return { field, text: `${field} is required` };
    }
    if (issue.keyword === 'additionalProperties' && typeof issue.params['additionalProperty'] === 'string') {
      const field = `${path}.${issue.params['additionalProperty']}`;
      return { field, text: `${field} is not allowed` };
    }
    return { field: path, text: `${path} ${issue.message ?? 'is invalid'}` };
  });
  // The field's own name, as for a body field: `limit`, not `querystring.limit`.
  const param = described[0]?.field.replace(/^(?:body|querystring|params)\./, '');
  return new GatewayError('invalid_request', `Invalid request: ${described.map((item) => item.text).join('; ')}.`, {
    param,
  });
}
