/** JSON Schema keywords Gemini's `Schema` (an OpenAPI 3.0 subset) accepts; everything else is dropped. */
const accepted = new Set([
  'type',
  'format',
  'title',
  'description',
  'nullable',
  'enum',
  'properties',
  'required',
  'items',
  'minItems',
  'maxItems',
  'minimum',
  'maximum',
  'minLength',
  'maxLength',
  'pattern',
  'anyOf',
  'propertyOrdering',
  'default',
  'example',
]);

/**
 * A JSON Schema made acceptable to Gemini's `parameters` / `responseSchema`: keywords outside the
 * subset (`additionalProperties`, `$schema`, `$ref`, `$defs`, `strict`, `const`, `oneOf`, …) removed,
 * `type: [T, "null"]` turned into `type: T, nullable: true`, recursively through properties, items
 * and anyOf. Documented in docs/gemini.md.
 */
export function sanitizeGeminiSchema(schema: unknown): Record<string, unknown> {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) return {};
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (!accepted.has(key)) continue;
    if (key === 'type' && Array.isArray(value)) {
      const types = value.filter((item) => item !== 'null');
      out['type'] = types[0] ?? 'string';
      if (types.length < value.length) out['nullable'] = true;
    } else if (key === 'properties' && typeof value === 'object' && value !== null) {
      out['properties'] = Object.fromEntries(
        Object.entries(value).map(([name, property]) => [name, sanitizeGeminiSchema(property)]),
      );
    } else if (key === 'items') {
      out['items'] = sanitizeGeminiSchema(value);
    } else if (key === 'anyOf' && Array.isArray(value)) {
      out['anyOf'] = value.map((item) => sanitizeGeminiSchema(item));
    } else out[key] = value;
  }
  return out;
}
