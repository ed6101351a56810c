import type { GatewayError } from '../../errors/gateway-error.ts';

/**
 * The `error.code` of a failed response (`response.failed`), in OpenAI's vocabulary: `rate_limit_exceeded`
 * for a 429, `server_error` for anything else that broke the answer.
 * @see https://platform.openai.com/docs/api-reference/responses/object#responses/object-error
 */
export function responsesErrorCode(error: GatewayError): string {
  if (error.status === 429) return 'rate_limit_exceeded';
  return 'server_error';
}
