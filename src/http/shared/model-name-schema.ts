import { Type } from 'typebox';

/**
 * The longest model name a route takes: far above any real one (a Bedrock inference-profile ARN is
 * about 100 characters), and short enough that echoing it in `x-llm-proxy-model` or a usage row is
 * harmless. Past it, a 400 naming `model`.
 */
export const maxModelNameLength = 256;

/** A request body's `model`: non-empty, at most `maxModelNameLength` characters. */
export function ModelNameSchema(description?: string) {
  return Type.String({
    minLength: 1,
    maxLength: maxModelNameLength,
    ...(description === undefined ? {} : { description }),
  });
}
