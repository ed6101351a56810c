/**
 * Bedrock Converse wire shapes the gateway reads from upstreams, as lenient schemas: only the fields read
 * are declared, unknown fields are allowed.
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ConverseStream.html
 */
import { type Static, Type } from 'typebox';

export const BedrockUsageSchema = Type.Object({
  inputTokens: Type.Optional(Type.Number()),
  outputTokens: Type.Optional(Type.Number()),
  cacheReadInputTokens: Type.Optional(Type.Number()),
  cacheWriteInputTokens: Type.Optional(Type.Number()),
});
export type BedrockUsage = Static<typeof BedrockUsageSchema>;

const ContentBlockSchema = Type.Object({
  text: Type.Optional(Type.String()),
  toolUse: Type.Optional(
    Type.Object({ toolUseId: Type.String(), name: Type.String(), input: Type.Optional(Type.Unknown()) }),
  ),
  reasoningContent: Type.Optional(
    Type.Object({
      reasoningText: Type.Optional(
        Type.Object({ text: Type.Optional(Type.String()), signature: Type.Optional(Type.String()) }),
      ),
    }),
  ),
});

export const BedrockConverseResponseSchema = Type.Object({
  output: Type.Object({ message: Type.Object({ content: Type.Array(ContentBlockSchema) }) }),
  stopReason: Type.Optional(Type.String()),
  usage: Type.Optional(BedrockUsageSchema),
});
export type BedrockConverseResponse = Static<typeof BedrockConverseResponseSchema>;

/** The payload of one ConverseStream event; which fields it carries depends on its `:event-type`. */
export const BedrockStreamPayloadSchema = Type.Object({
  contentBlockIndex: Type.Optional(Type.Number()),
  start: Type.Optional(
    Type.Object({
      toolUse: Type.Optional(
        Type.Object({ toolUseId: Type.Optional(Type.String()), name: Type.Optional(Type.String()) }),
      ),
    }),
  ),
  delta: Type.Optional(
    Type.Object({
      text: Type.Optional(Type.String()),
      toolUse: Type.Optional(Type.Object({ input: Type.Optional(Type.String()) })),
      reasoningContent: Type.Optional(Type.Object({ text: Type.Optional(Type.String()) })),
    }),
  ),
  stopReason: Type.Optional(Type.String()),
  usage: Type.Optional(BedrockUsageSchema),
});
export type BedrockStreamPayload = Static<typeof BedrockStreamPayloadSchema>;

/** An exception event's payload. */
export const BedrockExceptionSchema = Type.Object({ message: Type.Optional(Type.String()) });
