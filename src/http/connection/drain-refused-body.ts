import type { FastifyReply, FastifyRequest } from 'fastify';
import { linger } from './lingering-close.ts';

/**
 * After a 413 is sent for a body still arriving, reads the rest of that body instead of closing on a
 * client that is still writing it (which sees a reset — `EPIPE`, "fetch failed" — and never the 413,
 * and the OpenAI SDK retries that). Fastify marks every body-parser refusal `connection: close`; this
 * takes the mark off, so that Node reads the rest and discards it (`IncomingMessage#_dump`) and the
 * connection stays usable, and `linger` cuts the connection past 64 MiB or 10 s.
 */
export function drainRefusedBody(request: FastifyRequest, reply: FastifyReply): void {
  const incoming = request.raw;
  if (incoming.complete) return;
  reply.removeHeader('connection');
  linger(incoming.socket, () => incoming.complete);
}
