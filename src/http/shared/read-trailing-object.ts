import { isObject, type JsonObject } from './json-reader.ts';

/**
 * The JSON object under the last occurrence of `"key":` in `text`, parsed on its own. Both OpenAI and
 * Anthropic put `usage` at the end of a response, so reading it this way costs a few hundred bytes of
 * parsing instead of the whole body. Undefined when there is no such object.
 */
export function readTrailingObject(text: string, key: string): JsonObject | undefined {
  const marker = text.lastIndexOf(`"${key}"`);
  if (marker === -1) return undefined;
  const start = text.indexOf('{', marker);
  if (
    start === -1 ||
    text
      .slice(marker + key.length + 2, start)
      .trim()
      .replace(/^:/, '')
      .trim() !== ''
  )
    return undefined;
  let depth = 0;
  let inString = false;
  for (let index = start; index < text.length; index++) {
    const character = text[index];
    if (inString) {
      if (character === '\\') index += 1;
      else if (character === '"') inString = false;
    } else if (character === '"') inString = true;
    else if (character === '{') depth += 1;
    else if (character === '}') {
      depth -= 1;
      if (depth === 0) {
        try {
          const value: unknown = JSON.parse(text.slice(start, index + 1));
          return isObject(value) ? value : undefined;
        } catch {
          return undefined;
        }
      }
    }
  }
  return undefined;
}

/** The string value of the last `"key":"value"` in `text` (a finish or stop reason). */
export function readTrailingString(text: string, key: string): string | undefined {
  const marker = text.lastIndexOf(`"${key}":"`);
  if (marker === -1) return undefined;
  const start = marker + key.length + 4;
  const end = text.indexOf('"', start);
  return end === -1 ? undefined : text.slice(start, end);
}
