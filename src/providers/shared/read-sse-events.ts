import { createParser, type EventSourceMessage } from 'eventsource-parser';

/** Largest single SSE event accepted from an upstream; a bigger one means a broken stream. */
const maxEventBytes = 16 * 1024 * 1024;

/**
 * Parses an upstream `text/event-stream` body into events as bytes arrive. Events are yielded the
 * moment their terminating blank line is read, so nothing is held back.
 */
export async function* readSseEvents(body: AsyncIterable<Buffer | string>): AsyncGenerator<EventSourceMessage> {
  const pending: EventSourceMessage[] = [];
  let parseError: Error | undefined;
  const parser = createParser({
    maxBufferSize: maxEventBytes,
    onEvent: (event) => {
      pending.push(event);
    },
    onError: (error) => {
      // Unknown fields and bad `retry` values are ignored, as the SSE spec says; only an event past the
      // size bound ends the stream.
      if (error.type === 'max-buffer-size-exceeded') parseError = error;
    },
  });
  const decoder = new TextDecoder();
  for await (const chunk of body) {
    parser.feed(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }));
    if (parseError !== undefined) throw parseError;
    while (pending.length > 0) {
      const event = pending.shift();
      if (event !== undefined) yield event;
    }
  }
  parser.feed(decoder.decode());
  while (pending.length > 0) {
    const event = pending.shift();
    if (event !== undefined) yield event;
  }
}
