import { createHash } from 'node:crypto';

/**
 * What a canonical tool name stands for in the Responses request: a function or a free-form
 * (`custom`) tool, possibly inside a `namespace` tool. Targets take one flat name per tool
 * (`^[a-zA-Z0-9_-]{1,64}$` is the strictest, Gemini's and Bedrock's), so a namespaced tool is sent as
 * `<namespace>__<name>` and its calls are restored to `{namespace, name}` exactly.
 */
export interface ResponsesToolName {
  kind: 'function' | 'custom';
  name: string;
  namespace?: string;
}

/** Canonical (flat) tool name → what the caller called it. */
export type ResponsesToolNames = ReadonlyMap<string, ResponsesToolName>;

const maxNameLength = 64;

/** The flat name a target sees for a tool, unique and within every provider's name rule. */
export function flatToolName(name: string, namespace: string | undefined): string {
  const joined = namespace === undefined ? name : `${namespace}__${name}`;
  const safe = joined.replace(/[^a-zA-Z0-9_-]/g, '_');
  if (safe === joined && safe.length <= maxNameLength) return safe;
  // Changed or too long: a short hash of the original keeps distinct names distinct.
  const hash = createHash('sha256').update(joined).digest('hex').slice(0, 8);
  return `${safe.slice(0, maxNameLength - 9)}_${hash}`;
}

/** The caller's name for a canonical tool call, or the flat name itself when the tool is unknown. */
export function restoreToolName(names: ResponsesToolNames, flat: string): ResponsesToolName {
  return names.get(flat) ?? { kind: 'function', name: flat };
}
