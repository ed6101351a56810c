import type { FastifyInstance } from 'fastify';
import type { Gateway } from '../../gateway/gateway.ts';
import type { Governance } from '../../governance/governance.ts';
import { type ChatSurface, noForwardedHeaders, serveChat } from '../shared/serve-chat.ts';
import { type ChatBody, ChatBodySchema, ChatReplySchema, SimpleErrorSchema } from './chat-schemas.ts';

/** The seed's prompt is short text; a megabyte is generous. */
const chatBodyLimit = 1024 * 1024;

/**
 * The seed's `/chat` as a chat surface: a provider and a model named apart, one prompt in, the text out.
 * Never streamed, never passed through (it has no wire format of its own).
 */
const simpleChatSurface: ChatSurface<undefined, ChatBody> = {
  surface: 'simple',
  begin: () => undefined,
  outputLimit: () => undefined,
  forwardedHeaders: noForwardedHeaders,
  target: ({ body }) => ({ provider: body.provider, model: body.model }),
  admissionModel: ({ body }) => `${body.provider.toLowerCase()}/${body.model}`,
  toCanonical: ({ body }, _state, resolved) => ({
    model: resolved.upstreamModel,
    messages: [{ role: 'user', content: [{ type: 'text', text: body.prompt }] }],
  }),
  encodeResponse: (response, { body }) => ({
    provider: body.provider,
    model: body.model,
    response: response.content
      .filter((part) => part.type === 'text')
      .map((part) => part.text)
      .join(''),
  }),
};

/** `POST /chat {provider, model, prompt}` → `{provider, model, response}`, the seed's contract. */
export function registerChatRoute(app: FastifyInstance, gateway: Gateway, governance: Governance): void {
  const services = { gateway, governance };
  app.post<{ Body: ChatBody }>(
    '/chat',
    {
      bodyLimit: chatBodyLimit,
      config: { errorShape: 'simple', governed: true, admitted: true },
      schema: {
        summary: 'Send one prompt to a provider and get the text back (the original contract).',
        tags: ['simple'],
        body: ChatBodySchema,
        response: { 200: ChatReplySchema, '4xx': SimpleErrorSchema, '5xx': SimpleErrorSchema },
      },
    },
    async function chat(request, reply) {
      const { body } = request;
      request.record.model = body.model;
      // An unknown or unconfigured provider is reported as such before any limit is looked at.
      gateway.models.resolveExplicit(body.provider, body.model);
      return serveChat(simpleChatSurface, { request, body, model: body.model, stream: false }, reply, services);
    },
  );
}
