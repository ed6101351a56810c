import type { AssistantContentPart } from './chat-request.ts';
import type { FinishReason } from './finish-reason.ts';
import type { Usage } from './usage.ts';

/** The canonical result of a non-streaming chat call. */
export interface ChatResponse {
  id: string;
  /** The model the upstream says answered. */
  model: string;
  /** Unix seconds. */
  created: number;
  content: AssistantContentPart[];
  finishReason: FinishReason;
  /** The provider's own finish value, kept for logs and for same-family round trips. */
  rawFinishReason: string | undefined;
  /** The stop sequence that matched, when the provider says which. */
  stopSequence: string | undefined;
  usage: Usage;
}
