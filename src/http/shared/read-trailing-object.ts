import { isObject, type JsonObject } from '../../formats/shared/json-reader.ts';

/**
 * The JSON object under the last occurrence of `"key":` in `text`, parsed on its own. Both OpenAI and
 * Anthropic put `usage` at the end of a response, so reading it this way costs a few hundred bytes of
 * parsing instead of the whole body. Undefined when there is no such object.
 */
export function readTrailingObject(text: string, key: string): JsonObject | undefined {
  const start = valueStart(text, key);
  if (start === -1 || text.charCodeAt(start) !== openBrace) return undefined;
  let depth = 0;
  let inString = false;
  for (let index = start; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (inString) {
      if (code === backslash) index += 1;
      else if (code === quote) inString = false;
    } else if (code === quote) inString = true;
    else if (code === openBrace) depth += 1;
    else if (code === closeBrace) {
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

const colonCode = 0x3a;
const openBrace = 0x7b;
const closeBrace = 0x7d;
const quote = 0x22;
const backslash = 0x5c;

/**
 * The string value of the last `"key":"value"` in `text` (a finish or stop reason); blanks around the
 * colon are allowed, as Python's `json.dumps` writes `"key": "value"`.
 */
export function readTrailingString(text: string, key: string): string | undefined {
  const start = valueStart(text, key);
  if (start === -1 || text.charCodeAt(start) !== quote) return undefined;
  const end = text.indexOf('"', start + 1);
  return end === -1 ? undefined : text.slice(start + 1, end);
}

/**
 * The index of the value after the last `"key"` in `text`: past blanks and exactly one colon
 * (Python's `json.dumps` writes `"key": value`); -1 when the key is absent or no colon follows it.
 */
function valueStart(text: string, key: string): number {
  const marker = text.lastIndexOf(`"${key}"`);
  if (marker === -1) return -1;
  let start = marker + key.length + 2;
  let colon = false;
  for (; start < text.length; start++) {
    const code = text.charCodeAt(start);
    if (code === colonCode && !colon) colon = true;
    else if (code !== 0x20 && code !== 0x0a && code !== 0x0d && code !== 0x09) break;
  }
  return colon ? start : -1;
}
