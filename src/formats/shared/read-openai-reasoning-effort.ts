import { invalidRequest } from '../../errors/gateway-error.ts';
import type { ReasoningConfig, ReasoningEffort } from '../internal/chat-request.ts';
import { optionalString } from './json-reader.ts';

const efforts: readonly ReasoningEffort[] = ['none', 'minimal', 'low', 'medium', 'high', 'xhigh', 'max'];

/**
 * An OpenAI effort level as OpenAI's two APIs spell it alike — Chat Completions' `reasoning_effort`,
 * Responses' `reasoning.effort` — as canonical reasoning settings (`none`: off). A 400 naming `path`
 * for any other value.
 */
export function readOpenAIReasoningEffort(value: unknown, path: string): ReasoningConfig | undefined {
  const effort = optionalString(value, path);
  if (effort === undefined) return undefined;
  const known = efforts.find((candidate) => candidate === effort);
  if (known === undefined) throw invalidRequest(`${path} must be one of ${efforts.join(', ')}.`, path);
  return { enabled: known !== 'none', effort: known };
}
