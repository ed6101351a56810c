/**
 * How deep a request body may nest arrays and objects. Deeper bodies are refused before any code walks
 * them: the recursive steps after parsing (schema validation, JSON.stringify, the converters) overflow
 * the stack a few thousand levels down. 128 is serde_json's default recursion limit; real requests —
 * tool schemas included — nest a few dozen levels at most.
 */
export const maxNestingDepth = 128;

/**
 * A body this short cannot nest past `maxNestingDepth`: every level costs an opening and a closing
 * bracket. Most bodies are longer; this only spares the smallest the scan.
 */
const shortestTooDeep = 2 * (maxNestingDepth + 1);

const quote = 0x22;
const backslash = 0x5c;
const openBracket = 0x5b;
const closeBracket = 0x5d;
const openBrace = 0x7b;
const closeBrace = 0x7d;

/** `scanJsonText`'s findings, as bits. */
export const tooDeep = 1;
/** A string that reads `__proto__` or `constructor` as written (a key that could poison a prototype). */
export const namesPrototypeKey = 2;

/**
 * One pass over valid JSON text's structure: whether it nests arrays and objects deeper than `limit`
 * (`tooDeep`), and whether any of its strings is `__proto__` or `constructor` as written
 * (`namesPrototypeKey`; one spelled with `\u` escapes is not seen here). Strings — most of a request's
 * bytes — are skipped with `indexOf` jumps from quote to quote, so the cost follows the number of values,
 * not of bytes (measured: under a tenth of `JSON.parse`'s time on a chat body, about a third on a body of
 * tool schemas); the two names are recognised by their length first. Stops at the first `tooDeep`.
 */
export function scanJsonText(text: string, limit = maxNestingDepth): number {
  let found = 0;
  let depth = 0;
  const length = text.length;
  for (let index = 0; index < length; index++) {
    const code = text.charCodeAt(index);
    if (code === quote) {
      const close = closingQuote(text, index);
      if (close === -1) return found;
      const chars = close - index - 1;
      if (
        (chars === 9 && text.startsWith('__proto__', index + 1)) ||
        (chars === 11 && text.startsWith('constructor', index + 1))
      )
        found |= namesPrototypeKey;
      index = close;
    } else if (code === openBracket || code === openBrace) {
      depth++;
      if (depth > limit) return found | tooDeep;
    } else if (code === closeBracket || code === closeBrace) {
      depth--;
    }
  }
  return found;
}

/** Whether valid JSON text nests arrays and objects deeper than `limit` (see `scanJsonText`). */
export function exceedsNestingDepth(text: string, limit = maxNestingDepth): boolean {
  if (limit === maxNestingDepth && text.length < shortestTooDeep) return false;
  return (scanJsonText(text, limit) & tooDeep) !== 0;
}

/** The index of the quote closing the string opened at `open` (-1 if none): the next one not escaped. */
function closingQuote(text: string, open: number): number {
  let end = text.indexOf('"', open + 1);
  while (end !== -1 && text.charCodeAt(end - 1) === backslash && isEscaped(text, end)) end = text.indexOf('"', end + 1);
  return end;
}

/** Whether the character at `at` follows an odd run of backslashes. */
function isEscaped(text: string, at: number): boolean {
  let backslashes = 0;
  for (let index = at - 1; text.charCodeAt(index) === backslash; index--) backslashes++;
  return backslashes % 2 === 1;
}
