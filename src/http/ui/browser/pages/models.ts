import { getJson } from '../api.ts';
import { formatMs, formatTime, h, table } from '../dom.ts';
import type { Page } from './page.ts';

interface Provider {
  name: string;
  type: string;
  configured: boolean;
  missing_env: string | null;
}
interface Target {
  provider: string;
  model: string;
  weight: number;
  health: 'available' | 'probe' | 'cooling';
  cooling_until: string | null;
  in_flight: number;
  latency_ms: number | null;
  price_per_million: { input: number; output: number; cached_input: number } | null;
}
interface Group {
  name: string;
  strategy: string;
  retries: number;
  fallbacks: string[];
  targets: Target[];
}

const price = (target: Target): string =>
  target.price_per_million === null
    ? 'unknown'
    : `$${target.price_per_million.input} in / $${target.price_per_million.output} out`;

/** Models: providers (configured or what is missing), model groups with targets, live health, prices. */
export const renderModels: Page = async (main) => {
  const { providers, groups } = await getJson<{ providers: Provider[]; groups: Group[] }>('/admin/models');
  const configured = providers.filter((provider) => provider.configured);
  const other = providers.filter((provider) => !provider.configured);
  main.append(
    h(
      'section',
      { class: 'card' },
      h('h2', {}, 'Model groups'),
      groups.length === 0
        ? h('p', { class: 'muted' }, 'No model groups configured: callers name provider/model directly.')
        : table(
            ['Group', 'Strategy', 'Target', 'Weight', 'Health', 'In flight', 'Latency', 'Price per 1M tokens'],
            groups.flatMap((group) =>
              group.targets.map((target, index) => [
                index === 0 ? group.name : '',
                index === 0
                  ? `${group.strategy}, ${group.retries} retries${group.fallbacks.length > 0 ? `, then ${group.fallbacks.join(', ')}` : ''}`
                  : '',
                `${target.provider}/${target.model}`,
                String(target.weight),
                h(
                  'span',
                  { class: target.health === 'available' ? 'ok' : 'warn' },
                  target.health === 'cooling' ? `cooling until ${formatTime(target.cooling_until)}` : target.health,
                ),
                String(target.in_flight),
                formatMs(target.latency_ms),
                price(target),
              ]),
            ),
          ),
    ),
    h(
      'section',
      { class: 'card' },
      h('h2', {}, 'Providers'),
      table(
        ['Provider', 'Type', 'State'],
        [...configured, ...other].map((provider) => [
          provider.name,
          provider.type,
          provider.configured
            ? h('span', { class: 'ok' }, 'configured')
            : h(
                'span',
                { class: 'muted' },
                provider.missing_env === null ? 'not configured' : `set ${provider.missing_env}`,
              ),
        ]),
      ),
    ),
  );
  return undefined;
};
