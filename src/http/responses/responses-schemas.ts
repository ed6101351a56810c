import { Type } from 'typebox';

/**
 * The request body as the route validates it: the fields the gateway reads before parsing, typed;
 * every other field allowed (and passed on unchanged to OpenAI-format upstreams).
 */
export const ResponsesBodySchema = Type.Object(
  {
    model: Type.String({ minLength: 1, description: 'An alias, `provider/model`, or a bare model name.' }),
    stream: Type.Optional(Type.Union([Type.Boolean(), Type.Null()])),
    store: Type.Optional(Type.Union([Type.Boolean(), Type.Null()])),
    previous_response_id: Type.Optional(Type.Union([Type.String({ minLength: 1 }), Type.Null()])),
    max_output_tokens: Type.Optional(Type.Union([Type.Integer({ minimum: 1 }), Type.Null()])),
  },
  { description: 'OpenAI Responses request; see the OpenAI API reference.' },
);

/** Documentation of the answer; the route sends it as text, so it is not used to serialise. */
export const ResponseObjectSchema = Type.Object(
  {
    id: Type.String(),
    object: Type.Literal('response'),
    created_at: Type.Number(),
    status: Type.String(),
    model: Type.String(),
    output: Type.Array(Type.Object({ type: Type.String() })),
  },
  { additionalProperties: true },
);
