/** Abort reason used when a request's own deadline passes. */
export class DeadlineExceeded extends Error {
  override readonly name = 'DeadlineExceeded';
}

/** Abort reason used when the caller disconnects. */
export class CallerGone extends Error {
  override readonly name = 'CallerGone';
}

/**
 * A signal that aborts when the caller's does, or after `timeoutMs` with a `DeadlineExceeded` reason.
 * `clear()` stops the timer once the work is done.
 */
export function deadlineSignal(callerSignal: AbortSignal, timeoutMs: number): { signal: AbortSignal; clear(): void } {
  const controller = new AbortController();
  const onCallerAbort = (): void => controller.abort(callerSignal.reason);
  if (callerSignal.aborted) onCallerAbort();
  else callerSignal.addEventListener('abort', onCallerAbort, { once: true });
  const timer = setTimeout(
    () => controller.abort(new DeadlineExceeded(`deadline of ${timeoutMs} ms passed`)),
    timeoutMs,
  );
  return {
    signal: controller.signal,
    clear() {
      clearTimeout(timer);
      callerSignal.removeEventListener('abort', onCallerAbort);
    },
  };
}
