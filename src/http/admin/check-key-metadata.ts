import { invalidRequest } from '../../errors/gateway-error.ts';
import { metadataBounds } from './admin-schemas.ts';

/**
 * Refuses `metadata` beyond `metadataBounds` with a 400 naming it. The walk is iterative and stops at
 * the first level too deep, so 10,000 levels cost no more than six (and never reach `JSON.stringify`,
 * whose recursion overflowed on them).
 */
export function checkKeyMetadata(metadata: Record<string, unknown> | null | undefined): void {
  if (metadata === null || metadata === undefined) return;
  const pending: Array<{ value: unknown; depth: number }> = [{ value: metadata, depth: 1 }];
  let entries = 0;
  for (let visit = pending.pop(); visit !== undefined; visit = pending.pop()) {
    const { value, depth } = visit;
    if (typeof value !== 'object' || value === null) continue;
    if (depth > metadataBounds.maxDepth)
      throw invalidRequest(`metadata is nested more than ${metadataBounds.maxDepth} levels deep.`, 'metadata');
    const children = Array.isArray(value) ? value : Object.values(value);
    entries += children.length;
    if (entries > metadataBounds.maxEntries)
      throw invalidRequest(`metadata holds more than ${metadataBounds.maxEntries} keys and array items.`, 'metadata');
    for (const child of children) pending.push({ value: child, depth: depth + 1 });
  }
  const bytes = Buffer.byteLength(JSON.stringify(metadata));
  if (bytes > metadataBounds.maxBytes)
    throw invalidRequest(
      `metadata is ${bytes} bytes as JSON; at most ${metadataBounds.maxBytes} are kept.`,
      'metadata',
    );
}
