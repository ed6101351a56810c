import { invalidRequest } from '../../errors/gateway-error.ts';
import type { ToolChoice, ToolDefinition } from '../internal/chat-request.ts';
import {
  isObject,
  type JsonObject,
  optionalBoolean,
  optionalString,
  readArray,
  readObject,
  readString,
} from '../shared/json-reader.ts';
import { flatToolName, type ResponsesToolName } from './responses-tool-names.ts';
import type { ResponsesWarning } from './responses-warning.ts';

/** A free-form tool's text travels as the one string argument of a function tool. */
export const customToolInputSchema: Record<string, unknown> = {
  type: 'object',
  properties: { input: { type: 'string', description: 'The free-form input of the tool.' } },
  required: ['input'],
  additionalProperties: false,
};

export interface ParsedTools {
  tools: ToolDefinition[];
  names: Map<string, ResponsesToolName>;
}

/**
 * `tools` → canonical tools: `function` (the flat Responses shape), `custom` (free-form, carried as a
 * function with one string argument) and `namespace` (its functions flattened to `<namespace>__<name>`).
 * Hosted tools (`web_search`, `file_search`, …) only OpenAI can run: dropped with a warning, not a
 * 400, since Codex sends `web_search` on every turn.
 * @see https://platform.openai.com/docs/api-reference/responses/create#responses-create-tools
 */
export function parseResponsesTools(value: unknown, warnings: ResponsesWarning[]): ParsedTools {
  const parsed: ParsedTools = { tools: [], names: new Map() };
  if (value === undefined || value === null) return parsed;
  readArray(value, 'tools').forEach((item, index) => {
    addTool(parsed, item, `tools[${index}]`, undefined, warnings);
  });
  return parsed;
}

function addTool(
  parsed: ParsedTools,
  value: unknown,
  path: string,
  namespace: string | undefined,
  warnings: ResponsesWarning[],
): void {
  const tool = readObject(value, path);
  const type = readString(tool['type'], `${path}.type`);
  switch (type) {
    case 'function': {
      if (isObject(tool['function'])) {
        throw invalidRequest(
          `${path} is a Chat Completions tool; the Responses API takes {type, name, parameters} at the top level.`,
          `${path}.function`,
        );
      }
      const name = readString(tool['name'], `${path}.name`);
      const flat = flatToolName(name, namespace);
      const definition: ToolDefinition = {
        name: flat,
        inputSchema: isObject(tool['parameters']) ? tool['parameters'] : { type: 'object', properties: {} },
      };
      const description = optionalString(tool['description'], `${path}.description`);
      if (description !== undefined) definition.description = description;
      const strict = optionalBoolean(tool['strict'], `${path}.strict`);
      if (strict !== undefined) definition.strict = strict;
      parsed.tools.push(definition);
      parsed.names.set(
        flat,
        namespace === undefined ? { kind: 'function', name } : { kind: 'function', name, namespace },
      );
      return;
    }
    case 'custom': {
      const name = readString(tool['name'], `${path}.name`);
      const flat = flatToolName(name, namespace);
      const description = optionalString(tool['description'], `${path}.description`);
      const format = isObject(tool['format']) ? describeFormat(tool['format']) : '';
      const text = [description, format].filter((part) => part !== undefined && part !== '').join('\n\n');
      parsed.tools.push({
        name: flat,
        ...(text === '' ? {} : { description: text }),
        inputSchema: customToolInputSchema,
      });
      parsed.names.set(flat, namespace === undefined ? { kind: 'custom', name } : { kind: 'custom', name, namespace });
      return;
    }
    case 'namespace': {
      const name = readString(tool['name'], `${path}.name`);
      readArray(tool['tools'], `${path}.tools`).forEach((inner, index) => {
        addTool(parsed, inner, `${path}.tools[${index}]`, name, warnings);
      });
      return;
    }
    default:
      warnings.push({
        parameter: 'tools',
        message: `The hosted tool '${type}' (${path}) runs only on OpenAI; it was not sent to this model.`,
      });
  }
}

/** A custom tool's grammar, as words the model can follow (no target enforces it). */
function describeFormat(format: JsonObject): string {
  if (format['type'] !== 'grammar') return '';
  const syntax = typeof format['syntax'] === 'string' ? format['syntax'] : 'grammar';
  const definition = typeof format['definition'] === 'string' ? format['definition'] : '';
  return `The input must follow this ${syntax} grammar:\n${definition}`;
}

/** `tool_choice` → the canonical choice; names are flattened as the tools were. */
export function parseResponsesToolChoice(value: unknown, warnings: ResponsesWarning[]): ToolChoice | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') {
    if (value === 'auto' || value === 'none' || value === 'required') return { type: value };
    throw invalidRequest('tool_choice must be auto, none, required or an object.', 'tool_choice');
  }
  const choice = readObject(value, 'tool_choice');
  const type = readString(choice['type'], 'tool_choice.type');
  if (type === 'function' || type === 'custom') {
    const name = readString(choice['name'], 'tool_choice.name');
    const namespace = optionalString(choice['namespace'], 'tool_choice.namespace');
    return { type: 'tool', name: flatToolName(name, namespace) };
  }
  if (type === 'allowed_tools') {
    const mode = choice['mode'] === 'required' ? 'required' : 'auto';
    warnings.push({
      parameter: 'tool_choice',
      message: `allowed_tools is not carried to this model; every tool was offered with tool_choice '${mode}'.`,
    });
    return { type: mode };
  }
  warnings.push({ parameter: 'tool_choice', message: `tool_choice '${type}' names a hosted tool; 'auto' was sent.` });
  return { type: 'auto' };
}
