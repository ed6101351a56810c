/**
 * The caller's JSON body text with its top-level `model` value replaced, and optionally one member
 * added at the front: what a same-format upstream receives instead of a re-serialisation of the parsed
 * body. The caller's bytes go through as they came — key order, number spellings (`1.0`, `1e3`),
 * integers beyond 2^53 — and the request skips a `JSON.stringify` (about 9k instructions a KB).
 *
 * Undefined whenever this cannot be done with certainty; the caller then serialises the object. The
 * certainty rests on two checks: the text holds no `\u` escape, so the top-level key can only be
 * spelled `"model"`; and `"model"` occurs exactly once in the text, so that occurrence is the
 * top-level key (a nested key or a string value spelled the same would be a second one).
 */
export function rewriteBodyModel(
  text: string,
  options: { model: string; replacement: string; prepend?: string | undefined },
): string | undefined {
  if (text.includes('\\u')) return undefined;
  const key = text.indexOf(modelKey);
  if (key === -1 || text.indexOf(modelKey, key + modelKey.length) !== -1) return undefined;
  let at = skipBlanks(text, key + modelKey.length);
  if (text.charCodeAt(at) !== colon) return undefined;
  at = skipBlanks(text, at + 1);
  if (text.charCodeAt(at) !== quote) return undefined;
  const end = text.indexOf('"', at + 1);
  // The raw value must read exactly as the parsed one: a value with any escape in it does not.
  if (end === -1 || text.slice(at + 1, end) !== options.model) return undefined;
  const rewritten = `${text.slice(0, at)}${JSON.stringify(options.replacement)}${text.slice(end + 1)}`;
  if (options.prepend === undefined) return rewritten;
  const open = skipBlanks(rewritten, 0);
  if (rewritten.charCodeAt(open) !== openBrace) return undefined;
  return `${rewritten.slice(0, open + 1)}${options.prepend},${rewritten.slice(open + 1)}`;
}

const modelKey = '"model"';
const colon = 0x3a;
const quote = 0x22;
const openBrace = 0x7b;

function skipBlanks(text: string, from: number): number {
  let at = from;
  for (; at < text.length; at++) {
    const code = text.charCodeAt(at);
    if (code !== 0x20 && code !== 0x0a && code !== 0x0d && code !== 0x09) break;
  }
  return at;
}
