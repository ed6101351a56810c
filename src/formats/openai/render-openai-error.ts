import type { GatewayError } from '../../errors/gateway-error.ts';

/** OpenAI's `type` for a status, as its API and SDK use them. */
function openAIErrorType(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 402) return 'billing_error';
  if (status === 403) return 'permission_error';
  if (status === 429) return 'rate_limit_error';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

/** `{"error": {"message", "type", "param", "code"}}`: all four keys, as the spec's `Error` requires. */
export function renderOpenAIError(error: GatewayError): {
  error: { message: string; type: string; param: string | null; code: string };
} {
  return {
    error: {
      message: error.message,
      type: openAIErrorType(error.status),
      param: error.param ?? null,
      code: error.code,
    },
  };
}
