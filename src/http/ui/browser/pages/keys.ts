import { getJson, query, sendJson } from '../api.ts';
import { errorMessage, field, formatNumber, formatTime, formatUsd, h, select, table, uid } from '../dom.ts';
import type { Page } from './page.ts';

interface KeyView {
  id: string;
  name: string;
  key_prefix: string;
  models: string[] | null;
  rpm_limit: number | null;
  tpm_limit: number | null;
  max_budget_usd: number | null;
  budget_period: 'daily' | 'weekly' | 'monthly' | null;
  max_parallel: number | null;
  expires_at: string | null;
  revoked_at: string | null;
}
interface Aggregate {
  group: string | null;
  requests: number;
  cost_usd: number;
}

/** Start of the current budget period in UTC, as the gateway counts it (a week starts on Monday). */
function periodStart(period: KeyView['budget_period']): string | undefined {
  if (period === null) return undefined;
  const now = new Date();
  const [year, month, day] = [now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()];
  if (period === 'daily') return new Date(Date.UTC(year, month, day)).toISOString();
  if (period === 'weekly') return new Date(Date.UTC(year, month, day - ((now.getUTCDay() + 6) % 7))).toISOString();
  return new Date(Date.UTC(year, month, 1)).toISOString();
}

function state(key: KeyView): HTMLElement {
  if (key.revoked_at !== null) return h('span', { class: 'badge error' }, 'revoked');
  if (key.expires_at !== null && Date.parse(key.expires_at) <= Date.now())
    return h('span', { class: 'badge warn' }, 'expired');
  return h('span', { class: 'badge ok' }, 'active');
}

const limits = (key: KeyView): string =>
  [
    key.rpm_limit === null ? null : `${formatNumber(key.rpm_limit)} rpm`,
    key.tpm_limit === null ? null : `${formatNumber(key.tpm_limit)} tpm`,
    key.max_parallel === null ? null : `${key.max_parallel} parallel`,
  ]
    .filter((item) => item !== null)
    .join(', ') || 'none';

const numberInput = (id: string, value: number | null, step = '1'): HTMLInputElement =>
  h('input', { id, name: id, type: 'number', min: '0', step, value: value === null ? undefined : String(value) });

/** The form fields of a key's limits; `read` turns them back into an admin API body. */
function limitFields(key: KeyView | undefined) {
  const models = h('input', {
    id: uid('models'),
    name: 'models',
    value: key?.models?.join(', ') ?? '',
    placeholder: 'all models',
  });
  const rpm = numberInput(uid('rpm'), key?.rpm_limit ?? null);
  const tpm = numberInput(uid('tpm'), key?.tpm_limit ?? null);
  const parallel = numberInput(uid('parallel'), key?.max_parallel ?? null);
  const budget = numberInput(uid('budget'), key?.max_budget_usd ?? null, '0.01');
  const period = select(
    uid('period'),
    [
      ['', 'Lifetime'],
      ['daily', 'Daily'],
      ['weekly', 'Weekly'],
      ['monthly', 'Monthly'],
    ],
    key?.budget_period ?? '',
  );
  const expires = h('input', { id: uid('expires'), name: 'expires', type: 'datetime-local' });
  const elements = [
    field('Models (comma-separated)', models),
    field('Requests per minute', rpm),
    field('Tokens per minute', tpm),
    field('Parallel requests', parallel),
    field('Budget (USD)', budget),
    field('Budget period', period),
    field('Expires', expires),
  ];
  const numberOrNull = (input: HTMLInputElement): number | null => (input.value === '' ? null : Number(input.value));
  const read = (creating: boolean): Record<string, unknown> => {
    const list = models.value
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '');
    const body: Record<string, unknown> = {
      rpm_limit: numberOrNull(rpm),
      tpm_limit: numberOrNull(tpm),
      max_parallel: numberOrNull(parallel),
      max_budget_usd: numberOrNull(budget),
      budget_period: period.value === '' ? null : period.value,
      models: list.length === 0 ? null : list,
    };
    if (expires.value !== '') body['expires_at'] = new Date(expires.value).toISOString();
    // A new key leaves out what is not set; an edit sends null to clear a limit.
    if (creating) for (const name of Object.keys(body)) if (body[name] === null) delete body[name];
    return body;
  };
  return { elements, read };
}

function openDialog(title: string, content: (dialog: HTMLDialogElement) => Node[]): HTMLDialogElement {
  const dialog = h('dialog', { 'aria-label': title });
  dialog.append(h('h2', {}, title), ...content(dialog));
  dialog.addEventListener('close', () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
  return dialog;
}

/** Keys: every key with its limits, spend and state; create, edit limits, revoke, drill down to usage. */
export const renderKeys: Page = async (main) => {
  const list = h('div', {});
  const createButton = h('button', { type: 'button', onclick: () => openCreate() }, 'Create key');
  main.append(h('div', { class: 'toolbar' }, createButton), list);

  const refresh = async (): Promise<void> => {
    const keys = (await getJson<{ data: KeyView[] }>('/admin/keys?limit=100')).data;
    const periods = [...new Set(keys.map((key) => key.budget_period))];
    const spend = new Map<string | null, Map<string, number>>();
    await Promise.all(
      periods.map(async (period) => {
        const rows = await getJson<{ data: Aggregate[] }>(
          `/admin/usage${query({ group_by: 'key', from: periodStart(period), limit: 1000 })}`,
        );
        spend.set(period, new Map(rows.data.map((row) => [row.group ?? '', row.cost_usd])));
      }),
    );
    const lastUsed = new Map<string, string>();
    await Promise.all(
      keys.map(async (key) => {
        const rows = await getJson<{ data: Array<{ started_at: string }> }>(
          `/admin/logs${query({ key_id: key.id, limit: 1 })}`,
        );
        const first = rows.data[0];
        if (first !== undefined) lastUsed.set(key.id, first.started_at);
      }),
    );
    const rows = keys.map((key) => {
      const spent = spend.get(key.budget_period)?.get(key.id) ?? 0;
      const budget =
        key.max_budget_usd === null
          ? formatUsd(spent)
          : `${formatUsd(spent)} / ${formatUsd(key.max_budget_usd)} ${key.budget_period ?? 'lifetime'}`;
      const active = key.revoked_at === null;
      return [
        key.name,
        h('code', {}, key.key_prefix),
        key.models === null ? 'all' : key.models.join(', '),
        limits(key),
        budget,
        formatTime(lastUsed.get(key.id) ?? null),
        state(key),
        h(
          'span',
          { class: 'secret' },
          h(
            'a',
            { href: `#/usage?key_id=${encodeURIComponent(key.id)}`, 'aria-label': `Usage of ${key.name}` },
            'Usage',
          ),
          h(
            'a',
            { href: `#/logs?key_id=${encodeURIComponent(key.id)}`, 'aria-label': `Requests of ${key.name}` },
            'Requests',
          ),
          active
            ? h('button', { type: 'button', class: 'secondary', onclick: () => openEdit(key) }, 'Edit limits')
            : null,
          active ? h('button', { type: 'button', class: 'danger', onclick: () => openRevoke(key) }, 'Revoke') : null,
        ),
      ];
    });
    list.replaceChildren(
      keys.length === 0
        ? h('p', { class: 'muted' }, 'No keys yet.')
        : table(['Name', 'Prefix', 'Models', 'Limits', 'Spend (period)', 'Last used', 'State', 'Actions'], rows),
    );
  };

  const openCreate = (): void => {
    openDialog('Create key', (dialog) => {
      const name = h('input', { id: uid('name'), name: 'name', required: true, maxlength: '200' });
      const fields = limitFields(undefined);
      const status = h('div', { class: 'actions-status', 'aria-live': 'polite' });
      const form = h(
        'form',
        {},
        field('Name', name),
        ...fields.elements,
        h(
          'div',
          { class: 'actions' },
          h('button', { type: 'button', class: 'secondary', onclick: () => dialog.close() }, 'Cancel'),
          h('button', { type: 'submit' }, 'Create'),
        ),
      );
      form.addEventListener('submit', async (event) => {
        event.preventDefault();
        try {
          const created = await sendJson<{ key: string; name: string }>('POST', '/admin/keys', {
            name: name.value,
            ...fields.read(true),
          });
          const secret = h('code', { id: 'new-key-secret' }, created.key);
          const copy = h('button', { type: 'button', class: 'secondary' }, 'Copy');
          copy.addEventListener('click', async () => {
            await navigator.clipboard.writeText(created.key).catch(() => undefined);
            copy.textContent = 'Copied';
          });
          form.replaceWith(
            h(
              'div',
              {},
              h('p', {}, `Key “${created.name}” created. Copy it now: it is shown this once and never again.`),
              h('div', { class: 'secret' }, secret, copy),
              h('div', { class: 'actions' }, h('button', { type: 'button', onclick: () => dialog.close() }, 'Done')),
            ),
          );
          await refresh();
        } catch (error) {
          status.replaceChildren(errorMessage(error));
        }
      });
      return [status, form];
    });
  };

  const openEdit = (key: KeyView): void => {
    openDialog(`Edit limits of ${key.name}`, (dialog) => {
      const fields = limitFields(key);
      const status = h('div', { 'aria-live': 'polite' });
      const form = h(
        'form',
        {},
        ...fields.elements,
        h(
          'div',
          { class: 'actions' },
          h('button', { type: 'button', class: 'secondary', onclick: () => dialog.close() }, 'Cancel'),
          h('button', { type: 'submit' }, 'Save'),
        ),
      );
      form.addEventListener('submit', async (event) => {
        event.preventDefault();
        try {
          await sendJson('PATCH', `/admin/keys/${encodeURIComponent(key.id)}`, fields.read(false));
          dialog.close();
          await refresh();
        } catch (error) {
          status.replaceChildren(errorMessage(error));
        }
      });
      return [status, form];
    });
  };

  const openRevoke = (key: KeyView): void => {
    openDialog(`Revoke ${key.name}?`, (dialog) => {
      const status = h('div', { 'aria-live': 'polite' });
      const confirm = h('button', { type: 'button', class: 'danger' }, 'Revoke key');
      confirm.addEventListener('click', async () => {
        try {
          await sendJson('DELETE', `/admin/keys/${encodeURIComponent(key.id)}`);
          dialog.close();
          await refresh();
        } catch (error) {
          status.replaceChildren(errorMessage(error));
        }
      });
      return [
        h('p', {}, `Requests with ${key.key_prefix}… will be refused at once. This cannot be undone.`),
        status,
        h(
          'div',
          { class: 'actions' },
          h('button', { type: 'button', class: 'secondary', onclick: () => dialog.close() }, 'Cancel'),
          confirm,
        ),
      ];
    });
  };

  await refresh();
  return undefined;
};
