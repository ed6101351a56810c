/**
 * Every error the gateway returns has a stable `code` from this table. The HTTP status is fixed per
 * code, except for `upstream_invalid_request`, which keeps the upstream's 4xx (400, 404, 413, 422).
 * docs/errors.md lists the same table for users; a test keeps the two in step.
 */
export const errorCodes = {
  invalid_request: { status: 400, summary: 'The request is malformed or fails validation.' },
  unknown_provider: { status: 400, summary: 'The provider name is not one the gateway knows.' },
  unsupported_parameter: { status: 400, summary: 'A parameter cannot be honoured by the chosen provider.' },
  unsupported_operation: { status: 400, summary: 'The chosen provider does not offer this operation.' },
  authentication_required: { status: 401, summary: 'A valid gateway key is required.' },
  budget_exceeded: {
    status: 402,
    summary: "The key's budget for the period is spent (402, not 429: the SDKs would retry a 429 in vain).",
  },
  model_not_allowed: { status: 403, summary: 'The key may not use this model.' },
  model_unpriced: {
    status: 403,
    summary: 'A key with a budget may not call a model without a known price (`governance.unpriced_models`).',
  },
  admin_required: { status: 403, summary: 'Admin routes take the master key only.' },
  key_not_found: { status: 404, summary: 'No gateway key with this id.' },
  model_not_found: { status: 404, summary: 'The model is neither a configured alias nor `provider/model`.' },
  route_not_found: { status: 404, summary: 'No such route.' },
  response_not_found: { status: 404, summary: 'No stored response with this id for this key (Responses API).' },
  request_not_found: { status: 404, summary: 'No recorded request with this id (`GET /admin/logs/{request_id}`).' },
  method_not_allowed: {
    status: 405,
    summary: 'The method is not served here (CONNECT: the gateway is no forward proxy).',
  },
  uri_too_long: { status: 414, summary: 'A path segment of the URL is longer than the router takes.' },
  request_timeout: { status: 408, summary: 'The request headers or body did not arrive in time.' },
  expectation_failed: { status: 417, summary: 'An `Expect` header other than `100-continue`.' },
  headers_too_large: { status: 431, summary: 'The request headers exceed 16 KB.' },
  rate_limited: { status: 429, summary: "The key's requests or tokens per minute are spent; Retry-After says when." },
  payload_too_large: { status: 413, summary: 'The request body exceeds the route limit.' },
  unsupported_media_type: { status: 415, summary: 'The request body is not JSON.' },
  provider_not_configured: {
    status: 404,
    summary:
      "The provider is known but not configured here (no API key; the message names the variable): like a model that isn't found.",
  },
  internal_error: { status: 500, summary: 'An unexpected gateway fault; details are in the log.' },
  context_window_exceeded: { status: 400, summary: "The input does not fit the model's context window." },
  upstream_invalid_request: {
    status: 400,
    summary: 'The upstream rejected the request; its message is kept.',
  },
  upstream_rate_limited: {
    status: 429,
    summary: 'The upstream rate-limited the call; Retry-After is passed on.',
  },
  upstream_auth_failed: { status: 502, summary: "The upstream rejected the gateway's own credentials." },
  upstream_error: { status: 502, summary: 'The upstream failed (5xx) or answered something unreadable.' },
  upstream_unreachable: { status: 502, summary: 'The upstream could not be reached.' },
  upstream_stream_interrupted: { status: 502, summary: 'The upstream stream broke before it finished.' },
  stream_too_long: { status: 502, summary: "The stream passed the gateway's length bound and was ended." },
  upstream_timeout: { status: 504, summary: 'The upstream did not answer in time.' },
  upstream_cooling_down: {
    status: 503,
    summary: 'Every target of the model is cooling down after failures; Retry-After says until when.',
  },
  overloaded: {
    status: 503,
    summary: 'The gateway is at its concurrency limit or CPU-bound; Retry-After says when to try again.',
  },
  client_closed_request: { status: 499, summary: 'The caller went away; the upstream call was aborted.' },
} as const satisfies Record<string, { status: number; summary: string }>;

export type ErrorCode = keyof typeof errorCodes;
