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
