import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StreamPart } from '../../src/formats/internal/stream-part.ts';

export const fixturesDir = join(import.meta.dirname, '..', 'fixtures');

export function readFixture(name: string): string {
  return readFileSync(join(fixturesDir, name), 'utf8');
}

export function readJsonFixture<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(readFixture(name)) as T;
}

/**
 * Compares `actual` with the golden file `name` (JSON values are compared as pretty JSON). Run with
 * `UPDATE_GOLDEN=1` to write the files after a deliberate change, then read the diff before committing.
 */
export function assertGolden(actual: unknown, name: string): void {
  const path = join(fixturesDir, name);
  const text = typeof actual === 'string' ? actual : `${JSON.stringify(actual, null, 2)}\n`;
  if (process.env['UPDATE_GOLDEN'] === '1' || !existsSync(path)) {
    if (process.env['UPDATE_GOLDEN'] !== '1')
      assert.fail(`golden file ${name} is missing; run with UPDATE_GOLDEN=1 to create it`);
    writeFileSync(path, text);
    return;
  }
  assert.equal(text, readFileSync(path, 'utf8'), `output differs from ${name}`);
}

/** SSE text split into the `data:` payloads of its events (and their `event:` names). */
export function sseEvents(text: string): Array<{ event: string | undefined; data: string }> {
  return text
    .split('\n\n')
    .filter((block) => block.trim() !== '')
    .map((block) => {
      const lines = block.split('\n');
      const event = lines.find((line) => line.startsWith('event: '))?.slice(7);
      const data = lines
        .filter((line) => line.startsWith('data: '))
        .map((line) => line.slice(6))
        .join('\n');
      return { event, data };
    });
}

/** Errors inside parts become plain objects so they compare as JSON. */
export function serializableParts(parts: StreamPart[]): unknown[] {
  return parts.map((part) =>
    part.type === 'error' ? { type: 'error', code: part.error.code, message: part.error.message } : part,
  );
}
