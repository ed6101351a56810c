import { getJson, query } from '../api.ts';
import { lineChart } from '../charts.ts';
import { formatNumber, formatUsd, h, select, table } from '../dom.ts';
import type { Page } from './page.ts';

interface SeriesPoint {
  start: string;
  requests: number;
  errors: number;
  input_tokens: number;
  output_tokens: number;
  cost_usd: number;
  p50_latency_ms: number | null;
  p99_latency_ms: number | null;
}
interface Aggregate {
  group: string | null;
  requests: number;
  errors: number;
  input_tokens: number;
  output_tokens: number;
  cost_usd: number;
}
interface Status {
  in_flight: number;
  queued: number;
  max_in_flight: number;
  queue_size: number;
}

const spans = { hour: 3_600_000, day: 86_400_000, week: 7 * 86_400_000 } as const;
type Range = keyof typeof spans;

function stat(label: string, value: string): HTMLElement {
  return h('div', { class: 'card stat' }, h('strong', {}, value), h('span', {}, label));
}

function topTable(title: string, rows: Aggregate[], names: Map<string, string>): HTMLElement {
  const sorted = [...rows].sort((a, b) => b.requests - a.requests).slice(0, 5);
  return h(
    'section',
    { class: 'card' },
    h('h2', {}, title),
    sorted.length === 0
      ? h('p', { class: 'muted' }, 'No requests in this range.')
      : table(
          ['Name', 'Requests', 'Errors', 'Tokens', 'Cost'],
          sorted.map((row) => [
            row.group === null ? '(none)' : (names.get(row.group) ?? row.group),
            formatNumber(row.requests),
            formatNumber(row.errors),
            formatNumber(row.input_tokens + row.output_tokens),
            formatUsd(row.cost_usd),
          ]),
          { numeric: [1, 2, 3, 4] },
        ),
  );
}

/** Overview: charts of the last hour / day / week, top models and keys, in-flight and queue now. */
export const renderOverview: Page = async (main, params) => {
  const range: Range =
    params.get('range') === 'hour' || params.get('range') === 'week' ? (params.get('range') as Range) : 'day';
  const picker = select(
    'overview-range',
    [
      ['hour', 'Last hour'],
      ['day', 'Last day'],
      ['week', 'Last week'],
    ],
    range,
  );
  picker.addEventListener('change', () => {
    window.location.hash = `#/overview?range=${picker.value}`;
  });
  main.append(
    h('div', { class: 'toolbar' }, h('div', { class: 'field' }, h('label', { for: picker.id }, 'Range'), picker)),
  );
  const from = new Date(Date.now() - spans[range]).toISOString();
  const [series, models, keys, status, keyList] = await Promise.all([
    getJson<{ data: SeriesPoint[] }>(`/admin/usage/series${query({ range })}`),
    getJson<{ data: Aggregate[] }>(`/admin/usage${query({ group_by: 'model', from, limit: 1000 })}`),
    getJson<{ data: Aggregate[] }>(`/admin/usage${query({ group_by: 'key', from, limit: 1000 })}`),
    getJson<Status>('/admin/status'),
    getJson<{ data: Array<{ id: string; name: string }> }>('/admin/keys?limit=100'),
  ]);
  const names = new Map(keyList.data.map((key) => [key.id, key.name]));
  const points = series.data;
  const total = points.reduce(
    (sum, point) => ({
      requests: sum.requests + point.requests,
      errors: sum.errors + point.errors,
      tokens: sum.tokens + point.input_tokens + point.output_tokens,
      cost: sum.cost + point.cost_usd,
    }),
    { requests: 0, errors: 0, tokens: 0, cost: 0 },
  );
  main.append(
    h(
      'section',
      { class: 'stats', 'aria-label': 'Now and totals' },
      stat('In flight now', `${status.in_flight} / ${status.max_in_flight}`),
      stat('Admission queue now', `${status.queued} / ${status.queue_size}`),
      stat('Requests', formatNumber(total.requests)),
      stat('Error rate', total.requests === 0 ? '–' : `${((100 * total.errors) / total.requests).toFixed(1)} %`),
      stat('Tokens', formatNumber(total.tokens)),
      stat('Cost', formatUsd(total.cost)),
    ),
  );
  const x = points.map((point) => Date.parse(point.start) / 1000);
  const charts = h('div', { class: 'grid' });
  main.append(charts);
  const chart = (title: string, lines: Array<{ label: string; values: Array<number | null> }>) => {
    const box = h('figure', { class: 'card chart', 'aria-label': title });
    charts.append(box);
    lineChart(box, title, x, lines);
  };
  chart('Requests', [
    { label: 'Requests', values: points.map((point) => point.requests) },
    { label: 'Errors', values: points.map((point) => point.errors) },
  ]);
  chart('Error rate (%)', [
    {
      label: 'Error rate',
      values: points.map((point) => (point.requests === 0 ? null : (100 * point.errors) / point.requests)),
    },
  ]);
  chart('Latency (ms)', [
    { label: 'p50', values: points.map((point) => point.p50_latency_ms) },
    { label: 'p99', values: points.map((point) => point.p99_latency_ms) },
  ]);
  chart('Tokens', [
    { label: 'Input', values: points.map((point) => point.input_tokens) },
    { label: 'Output', values: points.map((point) => point.output_tokens) },
  ]);
  chart('Cost (USD)', [{ label: 'Cost', values: points.map((point) => point.cost_usd) }]);
  main.append(
    h('div', { class: 'grid' }, topTable('Top models', models.data, new Map()), topTable('Top keys', keys.data, names)),
  );
  return undefined;
};
