import type { FastifyBaseLogger } from 'fastify';
import { isObject, type JsonObject } from '../../formats/shared/json-reader.ts';
import type { ResponseStore } from '../../store/responses/response-store.ts';

const dayMs = 24 * 60 * 60 * 1000;

/**
 * Keeps a finished response and its input for `previous_response_id`, `item_reference` and the
 * retrieve/list/delete routes. Not awaited on the response path: the caller has its answer already; a
 * failed write is logged (that response then cannot be continued).
 */
export function saveResponse(options: {
  store: ResponseStore;
  owner: string;
  response: JsonObject;
  /** The response as JSON text, when the caller was sent exactly that (saves serialising it twice). */
  text?: string | undefined;
  input: unknown[];
  retentionDays: number;
  log: FastifyBaseLogger;
}): void {
  const { response } = options;
  if (typeof response['id'] !== 'string' || response['status'] === 'failed') return;
  const output = Array.isArray(response['output']) ? response['output'] : [];
  const now = Date.now();
  options.store
    .save({
      id: response['id'],
      owner: options.owner,
      response: options.text ?? JSON.stringify(response),
      inputItems: JSON.stringify(options.input),
      outputItems: output.flatMap((item) =>
        isObject(item) && typeof item['id'] === 'string' ? [{ id: item['id'], item: JSON.stringify(item) }] : [],
      ),
      createdAt: now,
      expiresAt: now + options.retentionDays * dayMs,
    })
    .catch((error: unknown) => options.log.warn({ err: error }, 'storing a response failed'));
}
