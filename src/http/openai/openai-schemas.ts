import { Type } from 'typebox';
import { ModelNameSchema } from '../shared/model-name-schema.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);

/**
 * The request body as the route validates it: the fields the gateway reads, typed; every other
 * field allowed and passed on (to OpenAI-format upstreams unchanged).
 */
export const OpenAIChatBodySchema = Type.Object(
  {
    model: ModelNameSchema('An alias, `provider/model`, or a bare model name.'),
    messages: Type.Array(Type.Object({ role: Type.String() }), { minItems: 1 }),
    stream: Type.Optional(Nullable(Type.Boolean())),
    stream_options: Type.Optional(Nullable(Type.Object({ include_usage: Type.Optional(Type.Boolean()) }))),
    max_tokens: Type.Optional(Nullable(Type.Integer({ minimum: 0 }))),
    max_completion_tokens: Type.Optional(Nullable(Type.Integer({ minimum: 0 }))),
    temperature: Type.Optional(Nullable(Type.Number())),
    top_p: Type.Optional(Nullable(Type.Number())),
    n: Type.Optional(Nullable(Type.Integer({ minimum: 1 }))),
    tools: Type.Optional(Nullable(Type.Array(Type.Object({ type: Type.String() })))),
  },
  { description: 'OpenAI Chat Completions request; see the OpenAI API reference.' },
);

export const OpenAIErrorSchema = Type.Object({
  error: Type.Object({
    message: Type.String(),
    type: Type.String(),
    param: Nullable(Type.String()),
    code: Nullable(Type.String()),
  }),
});

/** Documentation of the answer; the route sends it as text, so it is not used to serialise. */
export const OpenAIChatCompletionSchema = Type.Object(
  {
    id: Type.String(),
    object: Type.Literal('chat.completion'),
    created: Type.Integer(),
    model: Type.String(),
    choices: Type.Array(Type.Object({ index: Type.Integer(), message: Type.Object({}), finish_reason: Type.String() })),
    usage: Type.Object({
      prompt_tokens: Type.Integer(),
      completion_tokens: Type.Integer(),
      total_tokens: Type.Integer(),
    }),
  },
  { description: 'A `chat.completion`, or with `stream: true` a `text/event-stream` of `chat.completion.chunk`s.' },
);
