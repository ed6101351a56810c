import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';

const src = join(import.meta.dirname, '..', '..', 'src');

/** Every `src` file and the `src` files it imports (relative imports only). */
function importGraph(): Array<{ file: string; imports: string[] }> {
  const files = readdirSync(src, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.ts'));
  return files.map((file) => {
    const text = readFileSync(join(src, file), 'utf8');
    const imports = [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)].map((match) =>
      relative(src, resolve(dirname(join(src, file)), match[1] ?? '')),
    );
    return { file, imports };
  });
}

/** Which top-level folders (or files) of `src` each layer may import. */
const allowed: Record<string, string[]> = {
  errors: ['errors'],
  formats: ['formats', 'errors'],
  providers: ['providers', 'formats', 'errors'],
  config: ['config', 'providers', 'formats', 'errors'],
  logging: ['logging', 'config'],
  gateway: ['gateway', 'config', 'providers', 'formats', 'errors'],
  store: ['store'],
  governance: ['governance', 'gateway', 'store', 'state', 'config', 'providers', 'formats', 'errors'],
  http: [
    'http',
    'governance',
    'gateway',
    'store',
    'config',
    'providers',
    'formats',
    'errors',
    'observability',
    'logging',
  ],
  observability: ['observability', 'gateway', 'errors'],
  state: ['state', 'gateway', 'config', 'errors'],
  'start-gateway.ts': ['config', 'gateway', 'http', 'state', 'observability', 'start-governance.ts'],
  'start-governance.ts': ['config', 'gateway', 'governance', 'state', 'store'],
  cli: [
    'cli',
    'config',
    'logging',
    'providers',
    'governance',
    'store',
    'state',
    'observability',
    'errors',
    'start-gateway.ts',
  ],
};

/** Provider folders that others may build on; every other provider folder stands alone. */
const sharedProviderFolders = new Set(['shared', 'openai-compatible']);

describe('architecture', () => {
  const graph = importGraph();

  it('dependencies point one way: formats ← providers ← gateway ← http', () => {
    for (const { file, imports } of graph) {
      const layer = file.split('/')[0] ?? '';
      const permitted = allowed[layer];
      assert.ok(permitted !== undefined, `${file}: unknown layer ${layer}; add it to the architecture test`);
      for (const target of imports) {
        if (target.startsWith('..')) continue; // package.json
        const targetLayer = target.split('/')[0] ?? '';
        assert.ok(
          permitted.includes(targetLayer),
          `${file} imports ${target}: ${layer} may not depend on ${targetLayer}`,
        );
      }
    }
  });

  it('no provider depends on another provider (only on shared plumbing)', () => {
    for (const { file, imports } of graph) {
      const [layer, folder] = file.split('/');
      if (layer !== 'providers' || folder === undefined || !file.includes('/', 'providers/'.length)) continue;
      for (const target of imports) {
        const [targetLayer, targetFolder] = target.split('/');
        if (targetLayer !== 'providers' || targetFolder === undefined || !target.includes('/', 'providers/'.length))
          continue;
        if (targetFolder === folder || sharedProviderFolders.has(targetFolder)) continue;
        assert.fail(`${file} imports ${target}: providers may share only ${[...sharedProviderFolders].join(', ')}`);
      }
    }
  });

  it('http imports no provider internals: only the contract, the registry and the shared upstream plumbing', () => {
    // A provider's own folder is its business; what the HTTP layer needs of a wire format (an error
    // shape, a usage reader) lives in formats/.
    for (const { file, imports } of graph) {
      if (!file.startsWith('http/')) continue;
      for (const target of imports) {
        const [targetLayer, targetFolder] = target.split('/');
        if (targetLayer !== 'providers' || !target.includes('/', 'providers/'.length)) continue;
        assert.ok(
          targetFolder === 'shared',
          `${file} imports ${target}: http may import providers' contract files and providers/shared only`,
        );
      }
    }
  });

  it('no layer but providers/ imports a provider folder: wire-format knowledge lives in formats/', () => {
    // A codec a surface or the gateway needs (a decoder, a response mapping) is in formats/<format>/;
    // a provider's own folder holds only its client, endpoint, auth and quirks.
    for (const { file, imports } of graph) {
      if (file.startsWith('providers/')) continue;
      for (const target of imports) {
        const [targetLayer, targetFolder] = target.split('/');
        if (targetLayer !== 'providers' || !target.includes('/', 'providers/'.length)) continue;
        assert.ok(targetFolder === 'shared', `${file} imports ${target}: only providers/ may import a provider folder`);
      }
    }
  });

  it('codecs are pure: formats/ imports no HTTP server, HTTP client, file or network module', () => {
    const io =
      /from '(?:fastify|undici|ioredis|pg|eventsource-parser|node:(?:http|https|net|fs|fs\/promises|child_process|dgram|tls))'/;
    for (const { file } of graph) {
      if (!file.startsWith('formats/')) continue;
      const text = readFileSync(join(src, file), 'utf8');
      assert.ok(!io.test(text.replaceAll(/import type [^;]+;/g, '')), `${file} does I/O; a codec is data in, data out`);
    }
  });

  it('chat surfaces dispatch through the one generic route (http/shared/serve-chat.ts)', () => {
    // The Responses route keeps its own flow: it expands stored conversations and stores its answers.
    const ownFlow = new Set(['http/shared/serve-chat.ts', 'http/responses/responses-route.ts']);
    for (const { file } of graph) {
      if (!file.startsWith('http/') || ownFlow.has(file)) continue;
      const text = readFileSync(join(src, file), 'utf8');
      assert.ok(!text.includes('.dispatchChat('), `${file} dispatches a chat call itself; declare a ChatSurface`);
    }
  });

  it('source comments link to no file outside the repository (public spec URLs instead)', () => {
    for (const { file } of graph) {
      const text = readFileSync(join(src, file), 'utf8');
      assert.ok(!/\.\.\/shared\/specs/.test(text), `${file} links to ../shared/specs, which only this machine has`);
    }
  });

  it('/chat threw a bare Error: the HTTP layer throws typed errors only (src/errors/)', () => {
    for (const { file } of graph) {
      // The dashboard's browser modules run in the page, where no error reaches a caller of the gateway.
      if (!file.startsWith('http/') || file.startsWith('http/ui/browser/')) continue;
      const text = readFileSync(join(src, file), 'utf8');
      assert.ok(!/throw new (?:Type|Range)?Error\(/.test(text), `${file} throws an untyped Error; use a GatewayError`);
    }
  });

  it('source files stay small', () => {
    for (const { file } of graph) {
      const lines = readFileSync(join(src, file), 'utf8').split('\n').length;
      assert.ok(lines <= 500, `${file} has ${lines} lines; split it by responsibility`);
    }
  });
});
