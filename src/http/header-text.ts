/**
 * Text from a request or the config (a model name, a parameter name) made safe for a response header
 * value: Node refuses a value holding control or non-Latin-1 characters (the answer then fails, or a
 * stream never starts), `encodeURI` throws on a lone surrogate, and a client refuses a header block
 * past its limit (undici: 16 KB in all). So the text is made well-formed, percent-encoded as a URI
 * (printable ASCII only), and cut to `maxLength` characters without splitting an escape.
 * @see https://httpwg.org/specs/rfc9110.html#fields.values
 */
export function headerText(text: string, maxLength: number): string {
  const encoded = encodeURI(text.toWellFormed());
  if (encoded.length <= maxLength) return encoded;
  let end = maxLength - truncationMark.length;
  const lastEscape = encoded.lastIndexOf('%', end - 1);
  if (lastEscape > end - 3) end = lastEscape;
  return `${encoded.slice(0, end)}${truncationMark}`;
}

const truncationMark = '...';
