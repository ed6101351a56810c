/**
 * OpenAI Chat Completions wire shapes the gateway reads from upstreams, as lenient schemas: only the
 * fields read are declared, unknown fields are allowed.
 * @see https://github.com/openai/openai-openapi — CreateChatCompletionResponse, CreateChatCompletionStreamResponse
 */
import { type Static, Type } from 'typebox';
import { OptionalNullable } from '../shared/schema-helpers.ts';

export const OpenAIUsageSchema = Type.Object({
  prompt_tokens: OptionalNullable(Type.Number()),
  completion_tokens: OptionalNullable(Type.Number()),
  total_tokens: OptionalNullable(Type.Number()),
  prompt_tokens_details: OptionalNullable(
    Type.Object({
      cached_tokens: OptionalNullable(Type.Number()),
      cache_write_tokens: OptionalNullable(Type.Number()),
    }),
  ),
  completion_tokens_details: OptionalNullable(Type.Object({ reasoning_tokens: OptionalNullable(Type.Number()) })),
});
export type OpenAIUsage = Static<typeof OpenAIUsageSchema>;

const ToolCallSchema = Type.Object({
  id: Type.String(),
  type: Type.Optional(Type.String()),
  function: Type.Object({ name: Type.String(), arguments: OptionalNullable(Type.String()) }),
});

export const OpenAIChatResponseSchema = Type.Object({
  id: Type.Optional(Type.String()),
  model: Type.Optional(Type.String()),
  created: Type.Optional(Type.Number()),
  choices: Type.Array(
    Type.Object({
      index: Type.Optional(Type.Number()),
      message: Type.Object({
        content: OptionalNullable(Type.String()),
        refusal: OptionalNullable(Type.String()),
        /** Non-standard: DeepSeek, vLLM and others put reasoning text here. */
        reasoning_content: OptionalNullable(Type.String()),
        reasoning: OptionalNullable(Type.String()),
        tool_calls: OptionalNullable(Type.Array(ToolCallSchema)),
      }),
      finish_reason: OptionalNullable(Type.String()),
    }),
  ),
  usage: OptionalNullable(OpenAIUsageSchema),
});
export type OpenAIChatResponse = Static<typeof OpenAIChatResponseSchema>;

const ToolCallDeltaSchema = Type.Object({
  index: Type.Optional(Type.Number()),
  id: OptionalNullable(Type.String()),
  type: OptionalNullable(Type.String()),
  function: OptionalNullable(
    Type.Object({ name: OptionalNullable(Type.String()), arguments: OptionalNullable(Type.String()) }),
  ),
});
export type OpenAIToolCallDelta = Static<typeof ToolCallDeltaSchema>;

export const OpenAIChatChunkSchema = Type.Object({
  id: Type.Optional(Type.String()),
  model: Type.Optional(Type.String()),
  created: Type.Optional(Type.Number()),
  choices: OptionalNullable(
    Type.Array(
      Type.Object({
        index: Type.Optional(Type.Number()),
        delta: OptionalNullable(
          Type.Object({
            role: OptionalNullable(Type.String()),
            content: OptionalNullable(Type.String()),
            refusal: OptionalNullable(Type.String()),
            reasoning_content: OptionalNullable(Type.String()),
            reasoning: OptionalNullable(Type.String()),
            tool_calls: OptionalNullable(Type.Array(ToolCallDeltaSchema)),
          }),
        ),
        finish_reason: OptionalNullable(Type.String()),
      }),
    ),
  ),
  usage: OptionalNullable(OpenAIUsageSchema),
  /** Some upstreams report failures inside a 200 stream this way. */
  error: Type.Optional(Type.Unknown()),
});
export type OpenAIChatChunk = Static<typeof OpenAIChatChunkSchema>;

export const OpenAIErrorBodySchema = Type.Object({
  error: Type.Union([
    Type.Object({
      message: OptionalNullable(Type.String()),
      type: OptionalNullable(Type.String()),
      code: OptionalNullable(Type.Union([Type.String(), Type.Number()])),
      param: OptionalNullable(Type.String()),
    }),
    Type.String(),
  ]),
});

/** Request body parts the gateway builds for OpenAI-format upstreams (output only, not validated). */
export type OpenAIContentPart =
  | { type: 'text'; text: string }
  | { type: 'image_url'; image_url: { url: string; detail?: 'auto' | 'low' | 'high' } }
  | { type: 'file'; file: { file_data?: string; file_id?: string; filename?: string } };

export interface OpenAIToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export type OpenAIMessage =
  | { role: 'system' | 'developer'; content: string }
  | { role: 'user'; content: string | OpenAIContentPart[] }
  | { role: 'assistant'; content: string | null; tool_calls?: OpenAIToolCall[] }
  | { role: 'tool'; tool_call_id: string; content: string };

export type OpenAIToolChoice = 'auto' | 'none' | 'required' | { type: 'function'; function: { name: string } };

export interface OpenAIChatRequestBody {
  model: string;
  messages: OpenAIMessage[];
  stream?: boolean;
  stream_options?: { include_usage: boolean };
  max_completion_tokens?: number;
  max_tokens?: number;
  temperature?: number;
  top_p?: number;
  stop?: string[];
  presence_penalty?: number;
  frequency_penalty?: number;
  seed?: number;
  user?: string;
  tools?: Array<{
    type: 'function';
    function: { name: string; description?: string; parameters?: Record<string, unknown>; strict?: boolean };
  }>;
  tool_choice?: OpenAIToolChoice;
  parallel_tool_calls?: boolean;
  response_format?:
    | { type: 'text' | 'json_object' }
    | {
        type: 'json_schema';
        json_schema: {
          name: string;
          description?: string;
          schema: Record<string, unknown>;
          strict?: boolean;
        };
      };
  reasoning_effort?: string;
}
