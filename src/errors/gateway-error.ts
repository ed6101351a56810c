import { type ErrorCode, errorCodes } from './error-codes.ts';

export interface GatewayErrorOptions {
  /** The request field at fault, as a path (`messages[2].content`). */
  param?: string | undefined;
  /** Overrides the table's status (used by `upstream_invalid_request` only). */
  status?: number | undefined;
  /** Response headers the error carries, such as `retry-after`. */
  headers?: Readonly<Record<string, string>>;
  cause?: unknown;
}

/**
 * The one error type the HTTP layer renders. Its message is safe to show a caller: it never holds a
 * secret or a stack trace. Each API surface renders it in its own shape (see `src/http/errors/`).
 */
export class GatewayError extends Error {
  override readonly name: string = 'GatewayError';
  readonly code: ErrorCode;
  readonly status: number;
  readonly param: string | undefined;
  readonly headers: Readonly<Record<string, string>>;

  constructor(code: ErrorCode, message: string, options: GatewayErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = options.status ?? errorCodes[code].status;
    this.param = options.param;
    this.headers = options.headers ?? {};
  }
}

/** Shorthand for the most common error: a 400 naming the bad field. */
export function invalidRequest(message: string, param?: string): GatewayError {
  return new GatewayError('invalid_request', message, { param });
}
