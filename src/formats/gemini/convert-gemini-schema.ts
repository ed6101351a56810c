/**
 * A Gemini `Schema` (OpenAPI 3.0 subset, types spelled `OBJECT`, `STRING`, …, `nullable` beside them) →
 * JSON Schema, as other providers take tool parameters and response schemas. Types are lower-cased,
 * `nullable: true` becomes a `null` alternative, `propertyOrdering` (Gemini's own hint) is dropped;
 * everything else is JSON Schema already.
 * @see https://ai.google.dev/api/caching#Schema
 */
export function convertGeminiSchema(schema: unknown): Record<string, unknown> {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) return {};
  const source = schema as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(source)) {
    if (key === 'propertyOrdering' || key === 'nullable') continue;
    if (key === 'type' && typeof value === 'string') out['type'] = value.toLowerCase();
    else if (key === 'properties' && typeof value === 'object' && value !== null) {
      out['properties'] = Object.fromEntries(
        Object.entries(value).map(([name, property]) => [name, convertGeminiSchema(property)]),
      );
    } else if (key === 'items') out['items'] = convertGeminiSchema(value);
    else if ((key === 'anyOf' || key === 'oneOf' || key === 'allOf') && Array.isArray(value))
      out[key] = value.map((item) => convertGeminiSchema(item));
    else out[key] = value;
  }
  if (source['nullable'] === true && typeof out['type'] === 'string') out['type'] = [out['type'], 'null'];
  return out;
}
