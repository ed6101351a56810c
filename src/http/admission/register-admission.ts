import type { FastifyInstance } from 'fastify';
import { GatewayError } from '../../errors/gateway-error.ts';
import type { AdmissionGate } from '../../gateway/admission-gate.ts';
import { whenClosed } from '../request-context.ts';

/**
 * Admission control on the routes that call an upstream (`config.admitted`): a slot is taken in
 * `onRequest` — before authentication and before the body is read, so refusing costs next to nothing —
 * and given back when the response closes, whether it finished, failed or was abandoned. Refusals are
 * `overloaded` errors, rendered in the route's API shape with `Retry-After`. Health, metrics, model
 * lists and the admin API are never admitted, so they answer under any load.
 */
export function registerAdmission(app: FastifyInstance, gate: AdmissionGate): void {
  const leave = (): void => gate.leave();
  app.addHook('onRequest', function admit(request, reply, done) {
    if (request.routeConfig.admitted !== true) return done();
    let waiting: Promise<void> | undefined;
    try {
      waiting = gate.enter(request.callerSignal);
    } catch (error) {
      done(error as Error);
      return;
    }
    if (waiting === undefined) {
      whenClosed(reply, leave);
      done();
      return;
    }
    waiting.then(
      () => {
        whenClosed(reply, leave);
        done();
      },
      // A waiter is refused `overloaded`, or its caller left (nobody is there to read the answer).
      (error: Error) =>
        done(
          error instanceof GatewayError
            ? error
            : new GatewayError('client_closed_request', 'The caller went away while waiting for a slot.'),
        ),
    );
  });
}
