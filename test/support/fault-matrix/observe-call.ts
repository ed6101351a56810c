/** What a caller saw for one call, in a line of the fault matrix. */
export interface Observation {
  status: number | 'hang' | 'no answer';
  /** Short words: the error's type and message, or how a stream ended. */
  seen: string;
  /** Whether a non-2xx body was a JSON error in the caller's API shape. */
  shapedError: boolean;
  /** Whether the caller was told the call failed (non-2xx, or an error event in a 200 stream). */
  toldFailure: boolean;
  ms: number;
}

export type Surface = 'openai' | 'anthropic';

/** Calls `/v1/chat/completions` or `/v1/messages` as an SDK would and describes the answer. */
export async function observeCall(options: {
  url: string;
  surface: Surface;
  model: string;
  stream: boolean;
  timeoutMs: number;
}): Promise<Observation> {
  const { surface, model, stream } = options;
  const messages = [{ role: 'user', content: 'hi' }];
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  let response: Response;
  let text: string;
  try {
    response = await fetch(`${options.url}${surface === 'openai' ? '/v1/chat/completions' : '/v1/messages'}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', authorization: 'Bearer x' },
      body: JSON.stringify(
        surface === 'openai' ? { model, messages, stream } : { model, messages, stream, max_tokens: 16 },
      ),
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    text = await response.text();
  } catch (error) {
    const name = error instanceof Error ? error.name : '';
    const hang = name === 'TimeoutError' || name === 'AbortError';
    return {
      status: hang ? 'hang' : 'no answer',
      seen: hang ? `nothing complete within ${options.timeoutMs} ms` : String(error),
      shapedError: false,
      toldFailure: !hang,
      ms: elapsed(),
    };
  }
  const contentType = response.headers.get('content-type') ?? '';
  const status = response.status;
  if (contentType.includes('event-stream')) {
    const ending = describeStream(text);
    return {
      status,
      seen: ending.seen,
      shapedError: false,
      toldFailure: ending.failed || status >= 400,
      ms: elapsed(),
    };
  }
  const parsed = parseJson(text);
  if (status >= 400 || (typeof parsed === 'object' && parsed !== null && 'error' in parsed)) {
    const error = errorOf(parsed, surface);
    const retryAfter = response.headers.get('retry-after');
    const after = retryAfter === null ? '' : ` (Retry-After: ${retryAfter})`;
    return {
      status,
      seen: error === undefined ? `${contentType} ${JSON.stringify(text.slice(0, 60))}` : `${error}${after}`,
      shapedError: error !== undefined,
      toldFailure: true,
      ms: elapsed(),
    };
  }
  const seen =
    parsed === undefined
      ? `the upstream's body relayed (${contentType || 'no content-type'}: ${JSON.stringify(text.slice(0, 30))})`
      : 'a normal answer';
  return { status, seen, shapedError: false, toldFailure: false, ms: elapsed() };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** `type: message` in the caller's shape, or undefined when the body is not one. */
function errorOf(parsed: unknown, surface: Surface): string | undefined {
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const body = parsed as Record<string, unknown>;
  if (surface === 'anthropic' && body['type'] !== 'error') return undefined;
  const error = body['error'];
  if (typeof error !== 'object' || error === null) return undefined;
  const fields = error as Record<string, unknown>;
  if (typeof fields['message'] !== 'string' || typeof fields['type'] !== 'string') return undefined;
  const code = surface === 'openai' && typeof fields['code'] === 'string' ? ` (${fields['code']})` : '';
  return `\`${fields['type']}\`${code}: ${fields['message'].slice(0, 90)}`;
}

/** How an SSE body ended: its terminator, an error event, or neither. */
function describeStream(text: string): { seen: string; failed: boolean } {
  const events = text.split('\n\n').filter((event) => event.trim() !== '');
  const content = events.filter((event) => /"(content|text)":"[^"]/.test(event)).length;
  const last = events.at(-1) ?? '';
  const prefix = `stream, ${content} content event${content === 1 ? '' : 's'}, then`;
  const errorEvent = events.find((event) => /^event: error$/m.test(event) || /^data: \{"error"/m.test(event));
  if (errorEvent !== undefined) {
    const data = parseJson(errorEvent.slice(errorEvent.indexOf('data: ') + 6));
    const error = (data as { error?: { type?: string; message?: string } } | undefined)?.error;
    return {
      seen: `${prefix} an error event \`${error?.type}\`: ${String(error?.message).slice(0, 80)}`,
      failed: true,
    };
  }
  if (last.includes('[DONE]')) return { seen: `${prefix} \`[DONE]\``, failed: false };
  if (last.includes('message_stop')) return { seen: `${prefix} \`message_stop\``, failed: false };
  return { seen: `${prefix} the end of the body, no terminator`, failed: false };
}
