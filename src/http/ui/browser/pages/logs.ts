import { getJson, query } from '../api.ts';
import { field, formatMs, formatNumber, formatTime, formatUsd, h, select, table } from '../dom.ts';
import type { Page } from './page.ts';

interface LoggedRequest {
  id: number;
  request_id: string;
  key_id: string | null;
  model: string | null;
  provider: string | null;
  upstream_model: string | null;
  route: string;
  stream: boolean;
  status: number;
  error_code: string | null;
  input_tokens: number;
  output_tokens: number;
  cached_tokens: number;
  reasoning_tokens: number;
  cost_usd: number | null;
  latency_ms: number;
  ttft_ms: number | null;
  attempts: number;
  started_at: string;
  finished_at: string;
}

interface Attempt {
  provider: string;
  model: string;
  outcome: 'succeeded' | 'retried' | 'fell_back' | 'failed';
  status: number | null;
  error_code: string | null;
  latency_ms: number;
}

/** A JSON body indented for reading; anything else (a stream's text, a cut body) as it was stored. */
function readable(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

/** `GET /admin/logs/{request_id}`: the row, its attempts (when kept) and its redacted bodies (with body logging). */
interface RequestDetail extends LoggedRequest {
  attempt_log: Attempt[] | null;
  request_body: string | null;
  response_body: string | null;
}

const outcomes: Record<Attempt['outcome'], string> = {
  succeeded: 'succeeded',
  retried: 'retried',
  fell_back: 'fell back',
  failed: 'failed',
};

/** The attempts and bodies of one request, under the detail's table. */
function detailSections(detail: RequestDetail): HTMLElement[] {
  const attempts =
    detail.attempt_log === null
      ? h('p', { class: 'muted' }, 'One attempt, which succeeded.')
      : table(
          ['#', 'Provider', 'Model', 'Outcome', 'Status', 'Error', 'Latency'],
          detail.attempt_log.map((attempt, index) => [
            String(index + 1),
            attempt.provider,
            attempt.model,
            h('span', { class: attempt.outcome === 'succeeded' ? 'ok' : 'error' }, outcomes[attempt.outcome]),
            attempt.status === null ? '–' : String(attempt.status),
            attempt.error_code ?? '–',
            formatMs(attempt.latency_ms),
          ]),
          { numeric: [0, 6] },
        );
  const body = (title: string, text: string | null): HTMLElement[] => [
    h('h3', {}, title),
    text === null
      ? h('p', { class: 'muted' }, 'Not kept: bodies are stored only with LLM_PROXY_LOG_BODIES=true.')
      : h('pre', { class: 'body', tabindex: 0, 'aria-label': title }, readable(text)),
  ];
  return [
    h('h3', {}, 'Attempts'),
    attempts,
    ...body('Request body', detail.request_body),
    ...body('Response body', detail.response_body),
  ];
}

const localInput = (value: string | null): string | undefined =>
  value === null
    ? undefined
    : new Date(Date.parse(value) - new Date().getTimezoneOffset() * 60_000).toISOString().slice(0, 16);

/** Logs: recorded requests newest first, filters, a detail view and a live tail. */
export const renderLogs: Page = async (main, params) => {
  const keys = (await getJson<{ data: Array<{ id: string; name: string }> }>('/admin/keys?limit=100')).data;
  const names = new Map(keys.map((key) => [key.id, key.name]));
  const filters = {
    status: params.get('status') ?? undefined,
    model: params.get('model') ?? undefined,
    key_id: params.get('key_id') ?? undefined,
    from: params.get('from') ?? undefined,
    to: params.get('to') ?? undefined,
  };
  const status = select(
    'logs-status',
    [
      ['', 'Any'],
      ['success', 'Success'],
      ['error', 'Error'],
      ['429', '429'],
      ['500', '500'],
      ['502', '502'],
    ],
    filters.status ?? '',
  );
  const model = h('input', { id: 'logs-model', value: filters.model ?? '', placeholder: 'any model' });
  const key = select(
    'logs-key',
    [['', 'Any'], ...keys.map((item): [string, string] => [item.id, item.name])],
    filters.key_id ?? '',
  );
  const from = h('input', { id: 'logs-from', type: 'datetime-local', value: localInput(filters.from ?? null) });
  const to = h('input', { id: 'logs-to', type: 'datetime-local', value: localInput(filters.to ?? null) });
  const live = h('input', { id: 'logs-live', type: 'checkbox' });
  const form = h(
    'form',
    { class: 'inline' },
    field('Status', status),
    field('Model', model),
    field('Key', key),
    field('From', from),
    field('To', to),
    h('button', { type: 'submit' }, 'Filter'),
    h('div', { class: 'field' }, h('label', { for: live.id }, 'Live tail'), live),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const iso = (input: HTMLInputElement) => (input.value === '' ? undefined : new Date(input.value).toISOString());
    window.location.hash = `#/logs${query({ status: status.value, model: model.value, key_id: key.value, from: iso(from), to: iso(to) })}`;
  });
  const detail = h('section', { class: 'card', 'aria-live': 'polite', hidden: true });
  const list = h('div', {});
  const more = h('button', { type: 'button', class: 'secondary', hidden: true }, 'Older requests');
  main.append(form, detail, h('section', { class: 'card' }, list, more));

  const rows: LoggedRequest[] = [];
  let cursor: string | null = null;
  /** Counts the rows shown in the detail view, so that a late answer for an earlier one is dropped. */
  let shown = 0;
  const show = (row: LoggedRequest): void => {
    const entries: Array<[string, string]> = [
      ['Request id', row.request_id],
      ['Time', `${formatTime(row.started_at)} → ${formatTime(row.finished_at)}`],
      ['Route', `${row.route}${row.stream ? ' (stream)' : ''}`],
      ['Key', row.key_id === null ? 'master key' : (names.get(row.key_id) ?? row.key_id)],
      ['Model asked', row.model ?? '–'],
      ['Served by', `${row.provider ?? '–'} / ${row.upstream_model ?? '–'}`],
      ['Status', `${row.status}${row.error_code === null ? '' : ` ${row.error_code}`}`],
      ['Attempts', String(row.attempts)],
      ['Latency', formatMs(row.latency_ms)],
      ['Time to first token', formatMs(row.ttft_ms)],
      [
        'Tokens',
        `${row.input_tokens} in (${row.cached_tokens} cached), ${row.output_tokens} out (${row.reasoning_tokens} reasoning)`,
      ],
      ['Cost', formatUsd(row.cost_usd)],
    ];
    const loading = h('p', { class: 'muted' }, 'Loading attempts and bodies…');
    shown += 1;
    const serial = shown;
    detail.replaceChildren(
      h('h2', {}, 'Request detail'),
      table(
        ['Field', 'Value'],
        entries.map(([name, value]) => [name, value]),
      ),
      loading,
      h('button', { type: 'button', class: 'secondary', onclick: () => (detail.hidden = true) }, 'Close'),
    );
    detail.hidden = false;
    detail.focus();
    // Another row shown meanwhile keeps its own detail.
    void getJson<RequestDetail>(`/admin/logs/${encodeURIComponent(row.request_id)}`).then(
      (found) => {
        if (serial === shown) loading.replaceWith(...detailSections(found));
      },
      (error: unknown) => {
        if (serial === shown)
          loading.replaceWith(h('p', { class: 'error' }, error instanceof Error ? error.message : String(error)));
      },
    );
  };
  const draw = (): void => {
    list.replaceChildren(
      rows.length === 0
        ? h('p', { class: 'muted' }, 'No requests match.')
        : table(
            [
              'Time',
              'Request id',
              'Key',
              'Model',
              'Served',
              'Provider',
              'Status',
              'Latency',
              'TTFT',
              'Tokens',
              'Cost',
              'Attempts',
            ],
            rows.map((row) => [
              formatTime(row.started_at),
              h('button', { type: 'button', class: 'link', onclick: () => show(row) }, row.request_id.slice(0, 13)),
              row.key_id === null ? 'master' : (names.get(row.key_id) ?? row.key_id),
              row.model ?? '–',
              row.upstream_model ?? '–',
              row.provider ?? '–',
              h('span', { class: row.status >= 400 ? 'error' : 'ok' }, String(row.status)),
              formatMs(row.latency_ms),
              formatMs(row.ttft_ms),
              formatNumber(row.input_tokens + row.output_tokens),
              formatUsd(row.cost_usd),
              String(row.attempts),
            ]),
            { numeric: [7, 8, 9, 10, 11] },
          ),
    );
    more.hidden = cursor === null;
  };
  const load = async (extra: { before?: string; after?: number }) =>
    getJson<{ data: LoggedRequest[]; next_cursor: string | null }>(
      `/admin/logs${query({ ...filters, ...extra, limit: 50 })}`,
    );
  const first = await load({});
  rows.push(...first.data);
  cursor = first.next_cursor;
  draw();
  more.addEventListener('click', async () => {
    if (cursor === null) return;
    const page = await load({ before: cursor });
    rows.push(...page.data);
    cursor = page.next_cursor;
    draw();
  });
  const timer = setInterval(async () => {
    if (!live.checked) return;
    const newest = rows[0]?.id ?? 0;
    const page = await load({ after: newest });
    if (page.data.length === 0) return;
    rows.unshift(...page.data);
    draw();
  }, 2000);
  return () => clearInterval(timer);
};
