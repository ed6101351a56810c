import { isObject } from '../shared/json-reader.ts';
import type { GeminiResponse } from './gemini-api.ts';
import { geminiResponseChecker } from './parse-gemini-response.ts';

/**
 * What one Gemini `alt=sse` chunk (or a whole answer) says, read by a real JSON parse and a lenient
 * schema: an `{"error": …}` chunk's details, or the checked `GenerateContentResponse`; anything else is
 * `invalid`, with what was wrong. The translating decoder and the passthrough relay both read chunks
 * this way, so usage, finish reason and errors are read in one place.
 * @see https://ai.google.dev/api/generate-content#method:-models.streamgeneratecontent
 */
export type GeminiStreamEvent =
  | { kind: 'invalid'; detail: string }
  | { kind: 'error'; code: number | undefined; message: string | undefined; status: string | undefined }
  | { kind: 'chunk'; response: GeminiResponse };

const notJson: GeminiStreamEvent = { kind: 'invalid', detail: 'stream chunk is not JSON' };
const notObject: GeminiStreamEvent = { kind: 'invalid', detail: 'unexpected chunk' };

/** Reads one chunk's data. */
export function readGeminiStreamEvent(data: string): GeminiStreamEvent {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return notJson;
  }
  if (!isObject(value)) return notObject;
  if ('error' in value) {
    const error = isObject(value['error']) ? value['error'] : {};
    const { code, message, status } = error;
    return {
      kind: 'error',
      code: typeof code === 'number' ? code : undefined,
      message: typeof message === 'string' ? message : undefined,
      status: typeof status === 'string' ? status : undefined,
    };
  }
  if (!geminiResponseChecker.check(value))
    return { kind: 'invalid', detail: geminiResponseChecker.firstError(value) ?? 'unexpected chunk' };
  return { kind: 'chunk', response: value };
}
