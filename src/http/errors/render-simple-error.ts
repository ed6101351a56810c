import type { GatewayError } from '../../errors/gateway-error.ts';

/** The seed's `{"detail": "…"}`, plus the stable code and the field at fault for programs. */
export function renderSimpleError(error: GatewayError): {
  detail: string;
  error: { code: string; message: string; param: string | null };
} {
  return {
    detail: error.message,
    error: { code: error.code, message: error.message, param: error.param ?? null },
  };
}
