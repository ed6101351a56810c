/** One generated request: a valid request of a route with one thing (or a few) made wrong. */
export interface FuzzRequest {
  /** The route it aims at, as registered (`PATCH /admin/keys/:id`), or `unknown` — for grouping. */
  route: string;
  /** What was done to the valid request (`value:deep-array at messages.0.content`), for grouping and replay. */
  mutation: string;
  method: string;
  /** Path and query exactly as sent; may hold bytes a URL parser would refuse. */
  target: string;
  /** Header values are latin1 strings: a socket sends them byte for byte. */
  headers: Array<[string, string]>;
  body: Buffer | undefined;
  /** The whole request as raw bytes (framing oddities), sent over a socket instead of the fields above. */
  raw?: Buffer;
  /** `socket` for what an HTTP client would refuse to send or would frame itself. */
  transport: 'pool' | 'socket';
}

/** What the caller saw. */
export type FuzzOutcome =
  | { kind: 'response'; status: number; headers: Record<string, string>; body: Buffer }
  /** Nothing complete within the per-request timeout. */
  | { kind: 'timeout'; detail: string }
  /** The connection closed or reset without a complete answer. */
  | { kind: 'no-answer'; detail: string };

/** A one-line, bounded, printable description of a request, for failure reports. */
export function describeRequest(request: FuzzRequest, limit = 600): string {
  const printable = (text: string) =>
    JSON.stringify(text.length > limit ? `${text.slice(0, limit)}…(${text.length} chars)` : text);
  const bytes = request.raw ?? request.body;
  const headers = request.headers.map(([name, value]) => `${name}: ${printable(value).slice(1, -1)}`).join(' | ');
  return [
    `${request.method} ${printable(request.target)}`,
    `headers: ${headers || '(none)'}`,
    `${request.raw === undefined ? 'body' : 'raw request'}: ${bytes === undefined ? '(none)' : printable(bytes.toString('latin1'))}`,
    `via ${request.transport}`,
  ].join('\n    ');
}
