/**
 * The canonical chat request: what every ingress adapter produces and every provider adapter consumes.
 * Rich enough for text, images, documents, tool calls and results, and reasoning, so that a request
 * can cross from one API to another without losing meaning.
 */

/** Prompt-cache marker carried from Anthropic callers to Anthropic upstreams. */
export interface CacheControl {
  type: 'ephemeral';
  ttl?: '5m' | '1h';
}

export interface TextPart {
  type: 'text';
  text: string;
  cacheControl?: CacheControl;
}

/** Image bytes inline (base64) or by URL. */
export type MediaSource =
  | { kind: 'base64'; mediaType: string; data: string }
  | { kind: 'url'; url: string }
  | { kind: 'file-id'; fileId: string };

export interface ImagePart {
  type: 'image';
  source: MediaSource;
  /** OpenAI's `detail` hint; other providers have no equivalent. */
  detail?: 'auto' | 'low' | 'high';
  cacheControl?: CacheControl;
}

/** A document (PDF, plain text) given to the model as input. */
export interface FilePart {
  type: 'file';
  source: MediaSource | { kind: 'text'; mediaType: string; data: string };
  filename?: string;
  cacheControl?: CacheControl;
}

/** Model reasoning ("thinking"). `signature` must travel back unchanged to the provider that made it. */
export interface ReasoningPart {
  type: 'reasoning';
  text: string;
  signature?: string;
}

/** Reasoning the provider returned encrypted; opaque, only echoed back. */
export interface RedactedReasoningPart {
  type: 'redacted-reasoning';
  data: string;
}

/** A tool call made by the assistant. `arguments` is JSON text, possibly invalid. */
export interface ToolCallPart {
  type: 'tool-call';
  id: string;
  name: string;
  arguments: string;
  cacheControl?: CacheControl;
}

export interface ToolResultPart {
  type: 'tool-result';
  toolCallId: string;
  content: string | Array<TextPart | ImagePart | FilePart>;
  isError?: boolean;
  cacheControl?: CacheControl;
}

export type UserContentPart = TextPart | ImagePart | FilePart;
export type AssistantContentPart = TextPart | ReasoningPart | RedactedReasoningPart | ToolCallPart;

/**
 * Messages keep their position: a system message may appear anywhere (OpenAI allows it, Claude Code sends
 * one mid-conversation); providers that take a single system prompt hoist them.
 */
export type ChatMessage =
  | { role: 'system'; content: TextPart[] }
  | { role: 'user'; content: UserContentPart[] }
  | { role: 'assistant'; content: AssistantContentPart[] }
  | { role: 'tool'; content: ToolResultPart[] };

export interface ToolDefinition {
  name: string;
  description?: string;
  /** JSON Schema of the arguments object. */
  inputSchema: Record<string, unknown>;
  strict?: boolean;
  cacheControl?: CacheControl;
}

export type ToolChoice = { type: 'auto' } | { type: 'none' } | { type: 'required' } | { type: 'tool'; name: string };

export type ResponseFormat =
  | { type: 'text' }
  | { type: 'json-object' }
  | {
      type: 'json-schema';
      name?: string;
      description?: string;
      schema: Record<string, unknown>;
      strict?: boolean;
    };

export type ReasoningEffort = 'none' | 'minimal' | 'low' | 'medium' | 'high' | 'xhigh' | 'max';

/** How much the model may think: an effort level, an explicit token budget, or both. */
export interface ReasoningConfig {
  enabled: boolean;
  effort?: ReasoningEffort;
  budgetTokens?: number;
}

export interface ChatRequest {
  /** The upstream model id, after alias resolution. */
  model: string;
  messages: ChatMessage[];
  maxOutputTokens?: number;
  temperature?: number;
  topP?: number;
  topK?: number;
  stopSequences?: string[];
  presencePenalty?: number;
  frequencyPenalty?: number;
  seed?: number;
  tools?: ToolDefinition[];
  toolChoice?: ToolChoice;
  parallelToolCalls?: boolean;
  responseFormat?: ResponseFormat;
  reasoning?: ReasoningConfig;
  /** An end-user identifier for abuse tracking (OpenAI `user`, Anthropic `metadata.user_id`). */
  user?: string;
}
