import type { ScriptedReply } from '../mock-upstream-server.ts';

/** The wire format of the upstream a fault is scripted for. */
export type UpstreamFormat = 'openai' | 'anthropic';

/** One upstream fault: how to script it on a mock, per format and per streamed or not. */
export interface UpstreamFault {
  name: string;
  /** What the upstream does, in words (the matrix's first column). */
  description: string;
  /** A reply per attempt; undefined when the fault is not a mock script (connection refused). */
  script(format: UpstreamFormat, stream: boolean): ScriptedReply | undefined;
  /** The fault only makes sense for streamed (or only for non-streamed) calls. */
  only?: 'stream' | 'non-stream';
}

/** Timeouts of the matrix's targets (short, so that a timeout cell costs well under a second). */
export const matrixTimeouts = { firstByteMs: 300, streamIdleMs: 300, totalMs: 800 } as const;

const openaiChunk = (content: string) =>
  `data: ${JSON.stringify({
    id: 'chatcmpl-fault',
    object: 'chat.completion.chunk',
    created: 1_767_000_000,
    model: 'gpt-4o',
    choices: [{ index: 0, delta: { role: 'assistant', content }, finish_reason: null }],
  })}\n\n`;

const anthropicStart = [
  `event: message_start\ndata: ${JSON.stringify({
    type: 'message_start',
    message: {
      id: 'msg_fault',
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-4-6',
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: 9, output_tokens: 1 },
    },
  })}\n\n`,
  `event: content_block_start\ndata: ${JSON.stringify({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } })}\n\n`,
  `event: content_block_delta\ndata: ${JSON.stringify({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hel' } })}\n\n`,
];

/** The first events of a valid stream: content has reached the caller before the fault. */
const streamStart = (format: UpstreamFormat) => (format === 'openai' ? [openaiChunk('Hel')] : anthropicStart);

/** A valid non-streamed body, cut in the middle. */
const partialBody = (format: UpstreamFormat) =>
  format === 'openai'
    ? '{"id":"chatcmpl-fault","object":"chat.completion","created":1767000000,"model":"gpt-4o","choices":[{"index":0,"message":{"role":"assistant","content":"Hel'
    : '{"id":"msg_fault","type":"message","role":"assistant","model":"claude-sonnet-4-6","content":[{"type":"text","text":"Hel';

const serverError = (format: UpstreamFormat, status: number) => ({
  status,
  body:
    format === 'openai'
      ? { error: { message: 'The server had an error processing your request.', type: 'server_error', code: null } }
      : { type: 'error', error: { type: 'api_error', message: 'Internal server error' } },
});

const rateLimited = (format: UpstreamFormat) => ({
  status: 429,
  headers: { 'retry-after': '1' },
  body:
    format === 'openai'
      ? { error: { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' } }
      : { type: 'error', error: { type: 'rate_limit_error', message: 'Rate limit reached' } },
});

export const upstreamFaults: readonly UpstreamFault[] = [
  {
    name: 'connection refused',
    description: 'nothing listens on the upstream port',
    script: () => undefined,
  },
  {
    name: 'reset before headers',
    description: 'the connection is reset after the request, before any answer',
    script: () => ({ reset: true }),
  },
  {
    name: 'timeout before headers',
    description: `no answer within the first-byte timeout (${matrixTimeouts.firstByteMs} ms here)`,
    script: () => ({ delayMs: matrixTimeouts.firstByteMs * 4 }),
  },
  {
    name: '5xx',
    description: '500 with a JSON error in the provider’s shape',
    script: (format) => serverError(format, 500),
  },
  {
    name: '429 + Retry-After',
    description: '429 with `Retry-After: 1` on every attempt',
    script: (format) => rateLimited(format),
  },
  {
    name: 'non-JSON 200',
    description: '200 `text/html` with an HTML page (a proxy’s or captive portal’s)',
    script: () => ({ status: 200, headers: { 'content-type': 'text/html' }, body: '<html>Bad gateway</html>' }),
  },
  {
    name: 'garbage SSE',
    description: '200 `text/event-stream` whose data lines are not JSON',
    script: () => ({ sse: ['data: {not json\n\n', 'data: <html>\n\n', 'data: [DONE]\n\n'] }),
    only: 'stream',
  },
  {
    name: 'cut mid-way',
    description: 'the first content arrives, then the connection is reset',
    script: (format, stream) =>
      stream
        ? { sse: streamStart(format), reset: true }
        : { sse: [partialBody(format)], headers: { 'content-type': 'application/json' }, reset: true },
  },
  {
    name: 'slow first byte',
    description: `headers at once, the first body byte or event after the first-byte timeout`,
    script: (format, stream) =>
      stream
        ? { sse: ['', ...streamStart(format)], gapMs: matrixTimeouts.firstByteMs * 3 }
        : {
            sse: ['', partialBody(format)],
            headers: { 'content-type': 'application/json' },
            gapMs: matrixTimeouts.totalMs * 2,
          },
  },
  {
    name: 'stall',
    description: `the first content arrives, then silence past the idle (stream) or total (non-stream) timeout`,
    script: (format, stream) =>
      stream
        ? { sse: streamStart(format), end: false }
        : { sse: [partialBody(format)], headers: { 'content-type': 'application/json' }, end: false },
  },
];
