import { isObject } from '../shared/json-reader.ts';

/**
 * A model's tool-call arguments (JSON text) as Gemini's `args` object. Text that is not a JSON object
 * (a model's malformed output) is kept under `_raw`, so the caller sees what came back.
 */
export function functionCallArgs(text: string): Record<string, unknown> {
  if (text.trim() === '') return {};
  try {
    const value: unknown = JSON.parse(text);
    if (isObject(value)) return value;
  } catch {
    // Kept raw below.
  }
  return { _raw: text };
}
