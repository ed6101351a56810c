import type { FastifyInstance } from 'fastify';
import { GatewayError } from '../../errors/gateway-error.ts';
import type { Gateway } from '../../gateway/gateway.ts';
import type { Governance } from '../../governance/governance.ts';
import { priceResponse, setGatewayHeaders } from '../gateway-headers.ts';
import { admitRequest } from '../governance/admit-request.ts';
import { cacheRequestOf } from '../shared/cache-request-of.ts';
import { type ChatBody, ChatBodySchema, ChatReplySchema, SimpleErrorSchema } from './chat-schemas.ts';

/** The seed's prompt is short text; a megabyte is generous. */
const chatBodyLimit = 1024 * 1024;

/** `POST /chat {provider, model, prompt}` → `{provider, model, response}`, the seed's contract. */
export function registerChatRoute(app: FastifyInstance, gateway: Gateway, governance: Governance): void {
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
      const { provider, model, prompt } = request.body;
      const { record } = request;
      record.model = model;
      // An unknown or unconfigured provider is reported as such before any limit is looked at.
      gateway.models.resolveExplicit(provider, model);
      await admitRequest(governance, request, reply, {
        model: `${provider.toLowerCase()}/${model}`,
        maxOutputTokens: undefined,
      });
      const outcome = await gateway.dispatchChat({
        surface: 'simple',
        target: { provider, model },
        stream: false,
        record,
        signal: request.callerSignal,
        forwardedHeaders: {},
        cache: cacheRequestOf(gateway, request, request.body),
        toCanonical: (resolved) => ({
          model: resolved.upstreamModel,
          messages: [{ role: 'user', content: [{ type: 'text', text: prompt }] }],
        }),
      });
      if (outcome.kind !== 'response')
        throw new GatewayError('internal_error', `A non-streamed /chat call gave a ${outcome.kind} outcome.`);
      const { response } = outcome;
      record.usage = response.usage;
      record.finishReason = response.finishReason;
      setGatewayHeaders(reply, record);
      priceResponse(reply, record, governance);
      const text = response.content
        .filter((part) => part.type === 'text')
        .map((part) => part.text)
        .join('');
      return { provider, model, response: text };
    },
  );
}
