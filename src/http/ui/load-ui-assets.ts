import { readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stripTypesInWorker } from './strip-types-in-worker.ts';

/** A file the dashboard serves, ready to send: built once at start-up. */
export interface UiAsset {
  contentType: string;
  body: Buffer;
}

/** The browser modules, pages and styles, beside this file (so the image, which holds `src/`, has them). */
const uiDirectory = join(dirname(fileURLToPath(import.meta.url)), 'browser');

const contentTypes: Record<string, string> = {
  '.ts': 'text/javascript; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/**
 * Reads every dashboard file into memory. TypeScript browser modules are turned into JavaScript here by
 * Node's own type stripper (no build step; https://nodejs.org/api/module.html#modulestriptypescripttypescode-options),
 * in a short-lived worker (`stripTypesInWorker`: the stripper's memory would otherwise stay),
 * and the chart library is taken from node_modules, so the gateway serves every byte the page loads.
 */
export async function loadUiAssets(): Promise<Map<string, UiAsset>> {
  const assets = new Map<string, UiAsset>();
  const files = await readdir(uiDirectory, { recursive: true });
  const modules: { name: string; text: string }[] = [];
  for (const file of files) {
    const extension = file.slice(file.lastIndexOf('.'));
    const contentType = contentTypes[extension];
    if (contentType === undefined || file.endsWith('.d.ts')) continue;
    const name = file.split('\\').join('/');
    const text = await readFile(join(uiDirectory, file), 'utf8');
    if (extension === '.ts') modules.push({ name, text });
    else assets.set(name, { contentType, body: Buffer.from(text) });
  }
  const stripped = await stripTypesInWorker(modules.map((module) => module.text));
  for (const [index, module] of modules.entries())
    assets.set(module.name, { contentType: contentTypes['.ts'] as string, body: Buffer.from(stripped[index] ?? '') });
  const uplot = dirname(createRequire(import.meta.url).resolve('uplot'));
  assets.set('vendor/uplot.js', {
    contentType: contentTypes['.js'] as string,
    body: await readFile(join(uplot, 'uPlot.esm.js')),
  });
  assets.set('vendor/uplot.css', {
    contentType: contentTypes['.css'] as string,
    body: await readFile(join(uplot, 'uPlot.min.css')),
  });
  return assets;
}
