import { renderGoogleError } from '../../formats/gemini/render-google-error.ts';
import type { StreamErrorEncoder } from '../sse/send-event-stream.ts';

/**
 * Gemini stream chunks (JSON text) framed as the caller asked: `?alt=sse` as server-sent events, as
 * `@google/genai` and Gemini CLI ask; without it one JSON array sent piece by piece, as Google's REST
 * API answers `streamGenerateContent` by default.
 * @see https://ai.google.dev/api/generate-content#method:-models.streamgeneratecontent
 */
export async function* frameGeminiStream(chunks: AsyncIterable<string>, sse: boolean): AsyncGenerator<string> {
  let first = true;
  for await (const chunk of chunks) {
    if (sse) yield `data: ${chunk}\r\n\r\n`;
    else yield `${first ? '[' : ',\r\n'}${chunk}`;
    first = false;
  }
  if (!sse) yield first ? '[]' : '\n]';
}

/** The content type of a framed stream. */
export function geminiStreamContentType(sse: boolean): string {
  return sse ? 'text/event-stream; charset=utf-8' : 'application/json; charset=utf-8';
}

/**
 * The error that ends a framed stream the gateway cuts (`server.max_stream_bytes`): one more SSE event, or
 * the array's last element and its closing bracket, in Google's error shape.
 */
export function geminiStreamErrorEncoder(sse: boolean): StreamErrorEncoder {
  return sse ? sseErrorEncoder : arrayErrorEncoder;
}

const sseErrorEncoder: StreamErrorEncoder = (error) => `data: ${JSON.stringify(renderGoogleError(error))}\r\n\r\n`;
const arrayErrorEncoder: StreamErrorEncoder = (error) => `,\r\n${JSON.stringify(renderGoogleError(error))}\n]`;
