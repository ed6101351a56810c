import { type Static, Type } from 'typebox';
import { ModelNameSchema } from '../shared/model-name-schema.ts';

/** The seed's request: `{provider, model, prompt}`. Extra fields are ignored, as Pydantic did. */
export const ChatBodySchema = Type.Object({
  provider: Type.String({
    minLength: 1,
    description: 'Provider name, case-insensitive (openai, anthropic, deepseek, mock).',
  }),
  model: ModelNameSchema('The model id at that provider.'),
  prompt: Type.String({ description: 'Sent as one user message.' }),
});
export type ChatBody = Static<typeof ChatBodySchema>;

/** The seed's response: the request's provider and model echoed, and the assistant text. */
export const ChatReplySchema = Type.Object({
  provider: Type.String(),
  model: Type.String(),
  response: Type.String(),
});

export const SimpleErrorSchema = Type.Object({
  detail: Type.String(),
  error: Type.Object({
    code: Type.String(),
    message: Type.String(),
    param: Type.Union([Type.String(), Type.Null()]),
  }),
});
