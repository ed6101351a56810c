import { csrfHeaders } from './api.ts';
import { errorMessage, h } from './dom.ts';
import { renderKeys } from './pages/keys.ts';
import { renderLogs } from './pages/logs.ts';
import { renderModels } from './pages/models.ts';
import { renderOverview } from './pages/overview.ts';
import type { Page } from './pages/page.ts';
import { renderPlayground } from './pages/playground.ts';
import { renderUsage } from './pages/usage.ts';

const pages: Record<string, { title: string; render: Page }> = {
  overview: { title: 'Overview', render: renderOverview },
  keys: { title: 'Keys', render: renderKeys },
  usage: { title: 'Usage', render: renderUsage },
  logs: { title: 'Logs', render: renderLogs },
  models: { title: 'Models', render: renderModels },
  playground: { title: 'Playground', render: renderPlayground },
};

let cleanup: (() => void) | undefined;

/** Shows the page the location's hash names (`#/logs?key_id=…`). */
async function route(): Promise<void> {
  const [path = '', search = ''] = window.location.hash.replace(/^#\/?/, '').split('?');
  const name = path in pages ? path : 'overview';
  const page = pages[name];
  if (page === undefined) return;
  cleanup?.();
  cleanup = undefined;
  for (const link of document.querySelectorAll('nav a')) {
    if (link.getAttribute('href') === `#/${name}`) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  document.title = `${page.title} · llm-proxy`;
  const main = document.getElementById('main');
  if (main === null) return;
  main.replaceChildren(h('h1', {}, page.title));
  try {
    cleanup = (await page.render(main, new URLSearchParams(search))) ?? undefined;
  } catch (error) {
    main.append(errorMessage(error));
  }
}

document.getElementById('sign-out')?.addEventListener('click', async () => {
  await fetch('/ui/sign-out', { method: 'POST', headers: csrfHeaders, credentials: 'same-origin' });
  window.location.assign('/ui/sign-in');
});
window.addEventListener('hashchange', () => void route());
void route();
