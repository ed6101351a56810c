import { Type } from 'typebox';
import { ModelNameSchema } from '../shared/model-name-schema.ts';

const Message = Type.Object({
  role: Type.String(),
  content: Type.Union([Type.String(), Type.Array(Type.Object({ type: Type.String() }))]),
});

/** The Messages body as the route validates it: the fields read, typed; everything else passed on. */
export const AnthropicMessagesBodySchema = Type.Object(
  {
    model: ModelNameSchema('An alias, `provider/model`, or a bare model name.'),
    max_tokens: Type.Integer({ minimum: 0 }),
    messages: Type.Array(Message),
    stream: Type.Optional(Type.Boolean()),
    system: Type.Optional(Type.Union([Type.String(), Type.Array(Type.Object({ type: Type.String() }))])),
  },
  { description: 'Anthropic Messages request; see the Anthropic API reference.' },
);

/** count_tokens takes the same body without `max_tokens`. */
export const AnthropicCountTokensBodySchema = Type.Object({
  model: ModelNameSchema(),
  messages: Type.Array(Message),
  system: Type.Optional(Type.Union([Type.String(), Type.Array(Type.Object({ type: Type.String() }))])),
});

export const AnthropicErrorSchema = Type.Object({
  type: Type.Literal('error'),
  error: Type.Object({ type: Type.String(), message: Type.String() }),
  request_id: Type.String(),
});

/** Documentation of the answer; routes send it as text, so it is not used to serialise. */
export const AnthropicMessageSchema = Type.Object(
  {
    id: Type.String(),
    type: Type.Literal('message'),
    role: Type.Literal('assistant'),
    model: Type.String(),
    content: Type.Array(Type.Object({ type: Type.String() })),
    stop_reason: Type.String(),
    usage: Type.Object({ input_tokens: Type.Integer(), output_tokens: Type.Integer() }),
  },
  { description: 'A `message`, or with `stream: true` a `text/event-stream` of named Messages events.' },
);
