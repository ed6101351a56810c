import type { FastifyRequest } from 'fastify';
import { invalidRequest } from '../../errors/gateway-error.ts';

/**
 * A string the stores cannot hold as given: Postgres refuses NUL in `TEXT` and `\u0000` in `JSONB`,
 * and a lone surrogate has no UTF-8 form (it would be stored as U+FFFD, and read back changed).
 */
function isUnstorable(text: string): boolean {
  return text.includes('\u0000') || !text.isWellFormed();
}

/** A value still to visit, and how it was reached (the field path is only built for a refusal). */
interface Visit {
  value: unknown;
  parent: Visit | undefined;
  step: string | number | undefined;
}

/** `metadata.tags[2].name`, from the chain of steps. */
function fieldPath(visit: Visit): string {
  let path = '';
  for (let at: Visit | undefined = visit; at?.step !== undefined; at = at.parent) {
    path =
      typeof at.step === 'number'
        ? `[${at.step}]${path}`
        : `${at.parent?.step === undefined ? '' : '.'}${at.step}${path}`;
  }
  return path;
}

/**
 * Throws a 400 naming the first string (or object key) in `value` that holds NUL or a lone surrogate.
 * Iterative, so a deeply nested body is walked without growing the call stack.
 */
export function assertStorableStrings(value: unknown): void {
  const pending: Visit[] = [{ value, parent: undefined, step: undefined }];
  for (let visit = pending.pop(); visit !== undefined; visit = pending.pop()) {
    const current = visit.value;
    if (typeof current === 'string') {
      if (isUnstorable(current)) {
        const field = fieldPath(visit);
        throw invalidRequest(`${field} holds a NUL character or a lone surrogate, which cannot be stored.`, field);
      }
    } else if (Array.isArray(current)) {
      for (let index = current.length - 1; index >= 0; index--)
        pending.push({ value: current[index], parent: visit, step: index });
    } else if (typeof current === 'object' && current !== null) {
      const entries = Object.entries(current);
      for (const [key] of entries) {
        if (isUnstorable(key)) {
          const field = fieldPath(visit) || 'body';
          throw invalidRequest(
            `A key in ${field} holds a NUL character or a lone surrogate, which cannot be stored.`,
            field,
          );
        }
      }
      // Pushed last first, so the first bad field in reading order is the one named.
      for (let index = entries.length - 1; index >= 0; index--) {
        const [key, item] = entries[index] as [string, unknown];
        pending.push({ value: item, parent: visit, step: key });
      }
    }
  }
}

/**
 * `preValidation` hook of the admin routes: ids, cursors, query filters and every string of a body
 * are refused with a 400 before any of them reaches a store (where they were 500s).
 */
export async function refuseUnstorableStrings(request: FastifyRequest): Promise<void> {
  assertStorableStrings(request.params);
  assertStorableStrings(request.query);
  assertStorableStrings(request.body);
}
