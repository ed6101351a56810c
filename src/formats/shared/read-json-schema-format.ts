import type { ResponseFormat } from '../internal/chat-request.ts';
import { type JsonObject, optionalBoolean, optionalString } from './json-reader.ts';

/**
 * A named JSON schema for structured output, as OpenAI's two APIs spell it alike: Chat Completions'
 * `response_format.json_schema` and Responses' `text.format` (`name`, `description`, `strict`).
 * @see https://platform.openai.com/docs/guides/structured-outputs
 */
export function readJsonSchemaFormat(spec: JsonObject, schema: JsonObject, path: string): ResponseFormat {
  const result: ResponseFormat = { type: 'json-schema', schema };
  const name = optionalString(spec['name'], `${path}.name`);
  if (name !== undefined) result.name = name;
  const description = optionalString(spec['description'], `${path}.description`);
  if (description !== undefined) result.description = description;
  const strict = optionalBoolean(spec['strict'], `${path}.strict`);
  if (strict !== undefined) result.strict = strict;
  return result;
}
