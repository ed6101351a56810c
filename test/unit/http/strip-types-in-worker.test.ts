import assert from 'node:assert/strict';
import { stripTypeScriptTypes } from 'node:module';
import { describe, it } from 'node:test';
import { stripTypesInWorker } from '../../../src/http/ui/strip-types-in-worker.ts';

describe('stripTypesInWorker', () => {
  it('strips each module as the main thread would, in order, off the main thread', async () => {
    const sources = [
      'export const a: number = 1;\n',
      'interface Row { id: string }\nexport function id(row: Row): string { return row.id; }\n',
      'const café = "é" as string;\nexport { café };\n',
    ];
    const stripped = await stripTypesInWorker(sources);
    assert.deepEqual(
      stripped,
      sources.map((text) => stripTypeScriptTypes(text, { mode: 'strip' })),
    );
    assert.ok(stripped.every((text) => !text.includes(': number') && !text.includes('interface')));
    assert.deepEqual(await stripTypesInWorker([]), []);
  });

  it('fails with the stripper’s error for a module it cannot strip', async () => {
    await assert.rejects(stripTypesInWorker(['enum Color { Red }\n']));
  });
});
