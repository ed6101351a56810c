import { GatewayError, invalidRequest } from '../../errors/gateway-error.ts';
import { isObject, type JsonObject } from '../../formats/shared/json-reader.ts';
import type { ResponseStore } from '../../store/responses/response-store.ts';

/** A request's whole input: stored history first when it continues a response, references resolved. */
export interface Conversation {
  /** The body to send: `input` whole, no `previous_response_id` (no upstream knows the gateway's ids). */
  body: JsonObject & { model: string };
  /** The input items, as stored with the answer. */
  input: unknown[];
  /** True when `body` is not the caller's own (its text can no longer be forwarded as is). */
  changed: boolean;
}

/**
 * Expands `previous_response_id` (the stored response's input, then its output, then the new input) and
 * `item_reference` items (from the caller's stored outputs). Only these await the store; a request
 * with neither costs nothing. Another key's response is not found, as a missing one is.
 * @see https://platform.openai.com/docs/guides/conversation-state
 */
export async function expandConversation(
  body: JsonObject & { model: string },
  store: ResponseStore,
  owner: string,
): Promise<Conversation> {
  let input = inputItems(body['input']);
  const previousId = body['previous_response_id'];
  const references = input.filter((item) => isObject(item) && item['type'] === 'item_reference');
  if ((typeof previousId !== 'string' || previousId === '') && references.length === 0) {
    return { body, input, changed: false };
  }
  if (typeof previousId === 'string' && previousId !== '') {
    const previous = await store.get(owner, previousId);
    if (previous === undefined) {
      throw new GatewayError('response_not_found', `Previous response with id '${previousId}' not found.`, {
        param: 'previous_response_id',
      });
    }
    const response: unknown = JSON.parse(previous.response);
    const output = isObject(response) && Array.isArray(response['output']) ? response['output'] : [];
    input = [...(JSON.parse(previous.inputItems) as unknown[]), ...output, ...input];
  }
  if (references.length > 0) input = await resolveReferences(input, store, owner);
  const { previous_response_id: _dropped, ...rest } = body;
  return { body: { ...rest, input }, input, changed: true };
}

/** Whether the body continues stored history (`previous_response_id`, `item_reference`): only then is the store read. */
export function continuesConversation(body: JsonObject): boolean {
  const previousId = body['previous_response_id'];
  if (typeof previousId === 'string' && previousId !== '') return true;
  const input = body['input'];
  return Array.isArray(input) && input.some((item) => isObject(item) && item['type'] === 'item_reference');
}

/** `input` as a list of items: a string is one user message. */
export function inputItems(input: unknown): unknown[] {
  if (typeof input === 'string') return [{ type: 'message', role: 'user', content: input }];
  return Array.isArray(input) ? input : [];
}

async function resolveReferences(input: unknown[], store: ResponseStore, owner: string): Promise<unknown[]> {
  const ids = input.flatMap((item) =>
    isObject(item) && item['type'] === 'item_reference' && typeof item['id'] === 'string' ? [item['id']] : [],
  );
  const found = await store.items(owner, ids);
  return input.map((item, index) => {
    if (!isObject(item) || item['type'] !== 'item_reference') return item;
    const stored = typeof item['id'] === 'string' ? found.get(item['id']) : undefined;
    if (stored === undefined) {
      throw invalidRequest(`Item with id '${String(item['id'])}' not found.`, `input[${index}].id`);
    }
    return JSON.parse(stored) as unknown;
  });
}
