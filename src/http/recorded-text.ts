import { invalidRequest } from '../errors/gateway-error.ts';

/**
 * The body fields a proxy route records — in usage rows, logs and metric labels: the model asked for,
 * and `/chat`'s provider. (Nothing else of a proxy body is stored.)
 */
const recordedFields = ['model', 'provider'] as const;

/**
 * Refuses (400, naming the field) a recorded field holding a NUL character or a lone surrogate: such
 * text cannot be stored (PostgreSQL refuses both; a failed batch held up every usage row behind it) and
 * breaks what encodes it (`encodeURI` throws). JSON can carry either only as a `\u` escape, so the
 * parser asks only when the body holds one.
 */
export function rejectUnrecordableText(body: unknown): void {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return;
  for (const field of recordedFields) {
    const value = (body as Record<string, unknown>)[field];
    if (typeof value === 'string' && !isRecordable(value))
      throw invalidRequest(
        `body.${field} must not hold a NUL character or a lone surrogate (an unpaired \\ud800-\\udfff).`,
        field,
      );
  }
}

/** Well-formed UTF-16 without NUL: text every store and encoder takes. */
export function isRecordable(text: string): boolean {
  return !text.includes('\u0000') && text.isWellFormed();
}
