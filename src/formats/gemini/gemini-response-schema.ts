/**
 * A Gemini `GenerateContentResponse` (a whole answer, or one `alt=sse` chunk) as a lenient schema: only
 * the fields the gateway reads are declared, unknown fields are allowed.
 * @see https://ai.google.dev/api/generate-content#generatecontentresponse
 */
import { Type } from 'typebox';

const PartSchema = Type.Object({
  text: Type.Optional(Type.String()),
  thought: Type.Optional(Type.Boolean()),
  thoughtSignature: Type.Optional(Type.String()),
  functionCall: Type.Optional(
    Type.Object({
      id: Type.Optional(Type.String()),
      name: Type.String(),
      args: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    }),
  ),
});

export const GeminiResponseSchema = Type.Object({
  candidates: Type.Optional(
    Type.Array(
      Type.Object({
        content: Type.Optional(
          Type.Object({ role: Type.Optional(Type.String()), parts: Type.Optional(Type.Array(PartSchema)) }),
        ),
        finishReason: Type.Optional(Type.String()),
      }),
    ),
  ),
  promptFeedback: Type.Optional(Type.Object({ blockReason: Type.Optional(Type.String()) })),
  usageMetadata: Type.Optional(
    Type.Object({
      promptTokenCount: Type.Optional(Type.Number()),
      candidatesTokenCount: Type.Optional(Type.Number()),
      cachedContentTokenCount: Type.Optional(Type.Number()),
      thoughtsTokenCount: Type.Optional(Type.Number()),
      toolUsePromptTokenCount: Type.Optional(Type.Number()),
    }),
  ),
  modelVersion: Type.Optional(Type.String()),
  responseId: Type.Optional(Type.String()),
});
