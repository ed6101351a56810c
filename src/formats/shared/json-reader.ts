import { invalidRequest } from '../../errors/gateway-error.ts';

/**
 * Readers for untrusted JSON: each returns the value typed, or throws a 400 naming the field by its
 * path (`messages[2].content[0].image_url.url`). Ingress parsers use them so that every rejection says
 * exactly what was wrong.
 */
export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function readObject(value: unknown, path: string): JsonObject {
  if (!isObject(value)) throw invalidRequest(`${path} must be an object.`, path);
  return value;
}

export function readArray(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) throw invalidRequest(`${path} must be an array.`, path);
  return value;
}

export function readString(value: unknown, path: string): string {
  if (typeof value !== 'string') throw invalidRequest(`${path} must be a string.`, path);
  return value;
}

export function optionalString(value: unknown, path: string): string | undefined {
  return value === undefined || value === null ? undefined : readString(value, path);
}

export function optionalNumber(value: unknown, path: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalidRequest(`${path} must be a number.`, path);
  return value;
}

export function optionalInteger(value: unknown, path: string, minimum = 0): number | undefined {
  const number = optionalNumber(value, path);
  if (number !== undefined && (!Number.isInteger(number) || number < minimum)) {
    throw invalidRequest(`${path} must be an integer of at least ${minimum}.`, path);
  }
  return number;
}

export function optionalBoolean(value: unknown, path: string): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw invalidRequest(`${path} must be a boolean.`, path);
  return value;
}

/** `string | string[] | null` (OpenAI `stop`), as an array. */
export function optionalStringList(value: unknown, path: string): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return [value];
  return readArray(value, path).map((item, index) => readString(item, `${path}[${index}]`));
}

/** `data:<media type>;base64,<data>` → its parts, or undefined for anything else. */
export function parseDataUrl(url: string): { mediaType: string; data: string } | undefined {
  const match = /^data:([^;,]+);base64,(.*)$/s.exec(url);
  if (match === null) return undefined;
  return { mediaType: match[1] ?? '', data: match[2] ?? '' };
}
