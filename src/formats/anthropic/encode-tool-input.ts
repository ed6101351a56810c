import type { Warning } from '../internal/warning.ts';
import { isObject } from '../shared/json-reader.ts';

/**
 * Tool-call arguments (JSON text) → an Anthropic `input` object. Models of other providers now and then
 * emit arguments that are not a JSON object; they are kept, visibly, under `invalid_json_arguments`
 * (so the agent's tool validation reports them) rather than silently replaced by `{}`.
 */
export function encodeToolInput(argumentsText: string, warnings: Warning[]): Record<string, unknown> {
  if (argumentsText.trim() === '') return {};
  try {
    const value: unknown = JSON.parse(argumentsText);
    if (isObject(value)) return value;
  } catch {
    // Reported below.
  }
  warnings.push({ parameter: 'tool_use', message: 'The model sent tool arguments that are not a JSON object.' });
  return { invalid_json_arguments: argumentsText };
}
