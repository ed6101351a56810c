import { getJson, query } from '../api.ts';
import { stackedBars } from '../charts.ts';
import { field, formatNumber, formatUsd, h, select, table } from '../dom.ts';
import type { Page } from './page.ts';

interface DailyRow {
  day: string;
  group: string | null;
  requests: number;
  input_tokens: number;
  output_tokens: number;
  cost_usd: number;
}

const dayMs = 86_400_000;
const isoDay = (epoch: number): string => new Date(epoch).toISOString().slice(0, 10);

function csv(rows: DailyRow[], label: (group: string | null) => string): string {
  const quote = (value: string): string => `"${value.replaceAll('"', '""')}"`;
  const lines = ['day,group,requests,input_tokens,output_tokens,cost_usd'];
  for (const row of rows) {
    lines.push(
      [row.day, quote(label(row.group)), row.requests, row.input_tokens, row.output_tokens, row.cost_usd].join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}

/** One row per day, every group summed: the rows of the grouping by day. */
function sumPerDay(rows: DailyRow[]): DailyRow[] {
  const days = new Map<string, DailyRow>();
  for (const row of rows) {
    const day = days.get(row.day) ?? {
      day: row.day,
      group: row.day,
      requests: 0,
      input_tokens: 0,
      output_tokens: 0,
      cost_usd: 0,
    };
    day.requests += row.requests;
    day.input_tokens += row.input_tokens;
    day.output_tokens += row.output_tokens;
    day.cost_usd += row.cost_usd;
    days.set(row.day, day);
  }
  return [...days.values()].sort((a, b) => a.day.localeCompare(b.day));
}

/** Usage: per day, stacked by model, provider or key (or not, by day), over a chosen range; a table with totals; CSV. */
export const renderUsage: Page = async (main, params) => {
  const groupBy =
    (['model', 'provider', 'key', 'day'] as const).find((item) => item === params.get('group_by')) ?? 'model';
  const byDay = groupBy === 'day';
  // A key's own usage (the Keys page links here), or every key's.
  const keyId = params.get('key_id') ?? undefined;
  const today = Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate());
  const fromDay = params.get('from') ?? isoDay(today - 6 * dayMs);
  const toDay = params.get('to') ?? isoDay(today);
  const grouping = select(
    'usage-group',
    [
      ['model', 'Model'],
      ['provider', 'Provider'],
      ['key', 'Key'],
      ['day', 'Day'],
    ],
    groupBy,
  );
  const from = h('input', { id: 'usage-from', type: 'date', value: fromDay });
  const to = h('input', { id: 'usage-to', type: 'date', value: toDay });
  const form = h(
    'form',
    { class: 'inline' },
    field('Group by', grouping),
    field('From', from),
    field('To (inclusive)', to),
    h('button', { type: 'submit' }, 'Show'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    window.location.hash = `#/usage${query({ group_by: grouping.value, from: from.value, to: to.value, key_id: keyId })}`;
  });
  main.append(form);

  const start = Date.parse(`${fromDay}T00:00:00Z`);
  const end = Date.parse(`${toDay}T00:00:00Z`) + dayMs;
  const [daily, keys] = await Promise.all([
    getJson<{ data: DailyRow[] }>(
      `/admin/usage/daily${query({ group_by: byDay ? 'provider' : groupBy, from: new Date(start).toISOString(), to: new Date(end).toISOString(), key_id: keyId })}`,
    ),
    getJson<{ data: Array<{ id: string; name: string }> }>('/admin/keys?limit=100'),
  ]);
  const names = new Map(keys.data.map((key) => [key.id, key.name]));
  const rows = byDay ? sumPerDay(daily.data) : daily.data;
  if (keyId !== undefined) {
    form.before(
      h(
        'p',
        { class: 'toolbar' },
        `Usage of the key ${names.get(keyId) ?? keyId} only. `,
        h('a', { href: `#/usage${query({ group_by: groupBy, from: fromDay, to: toDay })}` }, 'All keys'),
      ),
    );
  }
  const label = (group: string | null): string =>
    group === null ? '(none)' : groupBy === 'key' ? (names.get(group) ?? group) : group;

  const days: string[] = [];
  for (let day = start; day < end; day += dayMs) days.push(isoDay(day));
  const groups = [...new Set(rows.map((row) => row.group))];
  const chartBox = h('figure', { class: 'card chart', 'aria-label': 'Requests per day' });
  main.append(chartBox);
  stackedBars(
    chartBox,
    byDay ? 'Requests per day' : `Requests per day by ${groupBy}`,
    days.map((day) => Date.parse(`${day}T00:00:00Z`) / 1000),
    byDay
      ? [{ label: 'Requests', values: days.map((day) => rows.find((row) => row.day === day)?.requests ?? 0) }]
      : groups.map((group) => ({
          label: label(group),
          values: days.map((day) => rows.find((row) => row.day === day && row.group === group)?.requests ?? 0),
        })),
  );

  const totals = groups.map((group) => {
    const ofGroup = rows.filter((row) => row.group === group);
    const sum = (pick: (row: DailyRow) => number) => ofGroup.reduce((total, row) => total + pick(row), 0);
    return {
      group,
      requests: sum((row) => row.requests),
      input: sum((row) => row.input_tokens),
      output: sum((row) => row.output_tokens),
      cost: sum((row) => row.cost_usd),
    };
  });
  // Days in order; groups by how much they were used.
  if (!byDay) totals.sort((a, b) => b.requests - a.requests);
  const all = (pick: (row: (typeof totals)[number]) => number) => totals.reduce((total, row) => total + pick(row), 0);
  const download = h('button', { type: 'button', class: 'secondary' }, 'Export CSV');
  download.addEventListener('click', () => {
    const url = URL.createObjectURL(new Blob([csv(rows, label)], { type: 'text/csv' }));
    const link = h('a', { href: url, download: `usage-${groupBy}-${fromDay}-${toDay}.csv` });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  });
  main.append(
    h(
      'section',
      { class: 'card' },
      h('div', { class: 'toolbar' }, h('h2', {}, `Totals by ${groupBy}`), download),
      table(
        [groupBy[0]?.toUpperCase() + groupBy.slice(1), 'Requests', 'Input tokens', 'Output tokens', 'Cost'],
        totals.map((row) => [
          label(row.group),
          formatNumber(row.requests),
          formatNumber(row.input),
          formatNumber(row.output),
          formatUsd(row.cost),
        ]),
        {
          numeric: [1, 2, 3, 4],
          foot: [
            'Total',
            formatNumber(all((row) => row.requests)),
            formatNumber(all((row) => row.input)),
            formatNumber(all((row) => row.output)),
            formatUsd(all((row) => row.cost)),
          ],
        },
      ),
    ),
  );
  return undefined;
};
