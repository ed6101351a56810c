import { invalidResponse } from '../../errors/upstream-error.ts';

/** Largest non-streaming upstream body the gateway buffers (translated responses are parsed whole). */
export const maxResponseBytes = 64 * 1024 * 1024;

/**
 * Reads a whole response body into one Buffer, refusing to hold more than `limit` bytes: past it the
 * body is destroyed and the call fails as an unreadable upstream response.
 */
export async function readBodyBytes(
  body: AsyncIterable<Buffer> & { destroy(error?: Error): unknown },
  options: { provider: string; limit?: number },
): Promise<Buffer> {
  const limit = options.limit ?? maxResponseBytes;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > limit) {
      body.destroy();
      throw invalidResponse(options.provider, `response body larger than ${limit} bytes`);
    }
    chunks.push(chunk);
  }
  return chunks.length === 1 && chunks[0] !== undefined ? chunks[0] : Buffer.concat(chunks, size);
}
