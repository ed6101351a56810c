import { GatewayError } from '../../errors/gateway-error.ts';
import type { ForwardOperation } from '../provider.ts';

/** The one error for a forward a provider does not take (`Provider.forwards` said no): a 400 on `model`. */
export function unsupportedOperation(provider: string, operation: ForwardOperation): GatewayError {
  return new GatewayError('unsupported_operation', `Provider '${provider}' does not support ${operation}.`, {
    param: 'model',
  });
}
