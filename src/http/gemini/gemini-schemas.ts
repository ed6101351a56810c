import { Type } from 'typebox';

/** A Gemini request body; its fields are read by the codec (`parse-gemini-request.ts`), not here. */
export const GeminiBodySchema = Type.Object(
  {},
  {
    additionalProperties: true,
    description:
      '`GenerateContentRequest` (`contents`, `systemInstruction`, `tools`, `toolConfig`, `generationConfig`), `CountTokensRequest`, `EmbedContentRequest` or `BatchEmbedContentsRequest`.',
  },
);

/** What the Gemini methods answer (documented, never re-serialised). */
export const GeminiAnswerSchema = Type.Object(
  {},
  {
    additionalProperties: true,
    description:
      '`GenerateContentResponse` (`candidates`, `usageMetadata`, `modelVersion`, `responseId`); streamed as SSE with `alt=sse`, else as a JSON array; `{totalTokens}`; `{embedding}` or `{embeddings}`.',
  },
);

/** Google's error body. */
export const GoogleErrorSchema = Type.Object({
  error: Type.Object({ code: Type.Integer(), message: Type.String(), status: Type.String() }),
});

export const GeminiModelSchema = Type.Object(
  { name: Type.String({ description: '`models/<id>`' }), supportedGenerationMethods: Type.Array(Type.String()) },
  { additionalProperties: true },
);

export const GeminiModelListSchema = Type.Object({ models: Type.Array(GeminiModelSchema) });
