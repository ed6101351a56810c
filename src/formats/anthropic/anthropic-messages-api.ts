/**
 * Anthropic Messages wire shapes the gateway reads from upstreams, as lenient schemas (only the fields
 * read; unknown fields allowed), and the request shape it builds.
 * @see https://docs.anthropic.com/en/api/messages — Message, streaming events, errors
 */
import { type Static, Type } from 'typebox';
import { OptionalNullable } from '../shared/schema-helpers.ts';

export const AnthropicUsageSchema = Type.Object({
  input_tokens: OptionalNullable(Type.Number()),
  output_tokens: OptionalNullable(Type.Number()),
  cache_creation_input_tokens: OptionalNullable(Type.Number()),
  cache_read_input_tokens: OptionalNullable(Type.Number()),
  /** The cache writes split by TTL; one-hour writes are billed at 2× input, five-minute ones at 1.25×. */
  cache_creation: OptionalNullable(Type.Object({ ephemeral_1h_input_tokens: OptionalNullable(Type.Number()) })),
  output_tokens_details: OptionalNullable(Type.Object({ thinking_tokens: OptionalNullable(Type.Number()) })),
});
export type AnthropicUsage = Static<typeof AnthropicUsageSchema>;

/** A response content block; `type` decides which other fields are read. */
const ResponseBlockSchema = Type.Object({
  type: Type.String(),
  text: Type.Optional(Type.String()),
  thinking: Type.Optional(Type.String()),
  signature: Type.Optional(Type.String()),
  data: Type.Optional(Type.String()),
  id: Type.Optional(Type.String()),
  name: Type.Optional(Type.String()),
  input: Type.Optional(Type.Unknown()),
});
export type AnthropicResponseBlock = Static<typeof ResponseBlockSchema>;

export const AnthropicMessageSchema = Type.Object({
  id: Type.String(),
  type: Type.Optional(Type.String()),
  role: Type.Optional(Type.String()),
  model: Type.String(),
  content: Type.Array(ResponseBlockSchema),
  stop_reason: OptionalNullable(Type.String()),
  stop_sequence: OptionalNullable(Type.String()),
  usage: OptionalNullable(AnthropicUsageSchema),
});
export type AnthropicMessage = Static<typeof AnthropicMessageSchema>;

/** One SSE event's data; `type` repeats the event name. */
export const AnthropicStreamEventSchema = Type.Object({
  type: Type.String(),
  index: Type.Optional(Type.Number()),
  message: Type.Optional(
    Type.Object({
      id: Type.Optional(Type.String()),
      model: Type.Optional(Type.String()),
      usage: OptionalNullable(AnthropicUsageSchema),
    }),
  ),
  content_block: Type.Optional(ResponseBlockSchema),
  delta: Type.Optional(
    Type.Object({
      type: Type.Optional(Type.String()),
      text: Type.Optional(Type.String()),
      thinking: Type.Optional(Type.String()),
      signature: Type.Optional(Type.String()),
      partial_json: Type.Optional(Type.String()),
      stop_reason: OptionalNullable(Type.String()),
      stop_sequence: OptionalNullable(Type.String()),
    }),
  ),
  usage: OptionalNullable(AnthropicUsageSchema),
  error: Type.Optional(
    Type.Object({ type: OptionalNullable(Type.String()), message: OptionalNullable(Type.String()) }),
  ),
});
export type AnthropicStreamEvent = Static<typeof AnthropicStreamEventSchema>;

export const AnthropicErrorBodySchema = Type.Object({
  error: Type.Object({ type: OptionalNullable(Type.String()), message: OptionalNullable(Type.String()) }),
});

/** Request shapes the gateway builds for Anthropic upstreams (output only). */
export interface AnthropicCacheControl {
  type: 'ephemeral';
  ttl?: '5m' | '1h';
}

export type AnthropicSource =
  | { type: 'base64'; media_type: string; data: string }
  | { type: 'url'; url: string }
  | { type: 'file'; file_id: string }
  | { type: 'text'; media_type: string; data: string };

export type AnthropicTextBlock = { type: 'text'; text: string; cache_control?: AnthropicCacheControl };
export type AnthropicImageBlock = {
  type: 'image';
  source: AnthropicSource;
  cache_control?: AnthropicCacheControl;
};
export type AnthropicDocumentBlock = {
  type: 'document';
  source: AnthropicSource;
  title?: string;
  cache_control?: AnthropicCacheControl;
};

export type AnthropicRequestBlock =
  | AnthropicTextBlock
  | AnthropicImageBlock
  | AnthropicDocumentBlock
  | { type: 'thinking'; thinking: string; signature: string }
  | { type: 'redacted_thinking'; data: string }
  | { type: 'tool_use'; id: string; name: string; input: unknown; cache_control?: AnthropicCacheControl }
  | {
      type: 'tool_result';
      tool_use_id: string;
      content: string | Array<AnthropicTextBlock | AnthropicImageBlock | AnthropicDocumentBlock>;
      is_error?: boolean;
      cache_control?: AnthropicCacheControl;
    };

export interface AnthropicRequestMessage {
  role: 'user' | 'assistant';
  content: AnthropicRequestBlock[];
}

export type AnthropicToolChoice =
  | { type: 'auto' | 'any'; disable_parallel_tool_use?: boolean }
  | { type: 'tool'; name: string; disable_parallel_tool_use?: boolean }
  | { type: 'none' };

export interface AnthropicRequestBody {
  model: string;
  max_tokens: number;
  messages: AnthropicRequestMessage[];
  system?: AnthropicTextBlock[];
  stream?: boolean;
  stop_sequences?: string[];
  temperature?: number;
  top_p?: number;
  top_k?: number;
  metadata?: { user_id: string };
  tools?: Array<{
    name: string;
    description?: string;
    input_schema: Record<string, unknown>;
    strict?: boolean;
    cache_control?: AnthropicCacheControl;
  }>;
  tool_choice?: AnthropicToolChoice;
  thinking?: { type: 'enabled'; budget_tokens: number } | { type: 'adaptive' };
  output_config?: { effort?: string; format?: { type: 'json_schema'; schema: Record<string, unknown> } };
}
