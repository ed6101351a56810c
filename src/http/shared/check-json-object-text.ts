import { invalidResponse, type UpstreamError } from '../../errors/upstream-error.ts';

/**
 * Whether a forwarded upstream body is a JSON object. A body whose trailing `usage` object was read
 * (`readTrailingObject`) needs only its bounds checked — a `{` first and a `}` last, blanks aside —
 * which keeps the passthrough hot path free of a parse of the whole answer; any other body is parsed
 * in full. A 200 that is not JSON (an HTML error page, plain text, a cut-off body) is never relayed
 * as a success the caller's SDK would then fail to read.
 */
export function isJsonObjectText(text: string, usageRead: boolean): boolean {
  if (usageRead)
    return text.charCodeAt(firstNonBlank(text)) === openBrace && text.charCodeAt(lastNonBlank(text)) === closeBrace;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}

/** The 502 for a forwarded 2xx answer that is not a JSON object, as the translated path answers it. */
export function unreadableAnswer(provider: string): UpstreamError {
  return invalidResponse(provider, 'the answer is not a JSON object');
}

function firstNonBlank(text: string): number {
  let index = 0;
  while (index < text.length && isBlank(text.charCodeAt(index))) index++;
  return index;
}

function lastNonBlank(text: string): number {
  let index = text.length - 1;
  while (index > 0 && isBlank(text.charCodeAt(index))) index--;
  return index;
}

function isBlank(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09;
}

const openBrace = 0x7b;
const closeBrace = 0x7d;
