import type { EventSourceMessage } from 'eventsource-parser';
import type { StreamPart } from '../../src/formats/internal/stream-part.ts';
import { readSseEvents } from '../../src/providers/shared/read-sse-events.ts';

/** Feeds `text` in small, uneven pieces, as a network would, and collects the parsed SSE events. */
export async function parseSseText(text: string, pieceSize = 7): Promise<EventSourceMessage[]> {
  async function* pieces(): AsyncGenerator<Buffer> {
    const bytes = Buffer.from(text, 'utf8');
    for (let index = 0; index < bytes.length; index += pieceSize) yield bytes.subarray(index, index + pieceSize);
  }
  const events: EventSourceMessage[] = [];
  for await (const event of readSseEvents(pieces())) events.push(event);
  return events;
}

export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const result: T[] = [];
  for await (const item of items) result.push(item);
  return result;
}

export async function* fromArray<T>(items: readonly T[]): AsyncGenerator<T> {
  yield* items;
}

export type { StreamPart };
