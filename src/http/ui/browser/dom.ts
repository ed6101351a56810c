// Small DOM helpers: elements are built with properties and text, never from HTML strings.

type Child = Node | string | number | null | undefined | false;
type Attributes = Record<string, string | number | boolean | undefined | ((event: Event) => void)>;

/** An element with attributes (`on…` functions become listeners) and children. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    if (typeof value === 'function') element.addEventListener(name.slice(2), value);
    else if (value === true) element.setAttribute(name, '');
    else element.setAttribute(name, String(value));
  }
  append(element, children);
  return element;
}

export function append(parent: Node, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)));
  }
}

/** A labelled form field: label, then the control, tied by id. */
export function field(label: string, control: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement): HTMLElement {
  return h('div', { class: 'field' }, h('label', { for: control.id }, label), control);
}

let nextId = 0;
/** A unique element id. */
export function uid(prefix: string): string {
  nextId += 1;
  return `${prefix}-${nextId}`;
}

export function select(id: string, options: Array<[string, string]>, selected?: string): HTMLSelectElement {
  const element = h('select', { id, name: id });
  for (const [value, label] of options) {
    const option = h('option', { value }, label);
    if (value === selected) option.selected = true;
    element.append(option);
  }
  return element;
}

/** A table with a header row, body rows and an optional footer row. */
export function table(
  head: string[],
  rows: Child[][],
  options: { numeric?: number[]; foot?: Child[] } = {},
): HTMLElement {
  const numeric = new Set(options.numeric ?? []);
  const cell = (tag: 'td' | 'th', value: Child, index: number) =>
    h(tag, numeric.has(index) ? { class: 'number' } : {}, value);
  const body = rows.map((row) => h('tr', {}, ...row.map((value, index) => cell('td', value, index))));
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      {},
      h('thead', {}, h('tr', {}, ...head.map((title, index) => cell('th', title, index)))),
      h('tbody', {}, ...body),
      options.foot === undefined
        ? null
        : h('tfoot', {}, h('tr', {}, ...options.foot.map((value, index) => cell('td', value, index)))),
    ),
  );
}

export const formatNumber = (value: number): string => value.toLocaleString('en-US');
export const formatUsd = (value: number | null): string =>
  value === null ? '–' : `$${value < 0.01 && value > 0 ? value.toFixed(6) : value.toFixed(4)}`;
export const formatMs = (value: number | null): string => (value === null ? '–' : `${Math.round(value)} ms`);
export const formatTime = (iso: string | null): string => (iso === null ? '–' : new Date(iso).toLocaleString());

/** A message in the page when something failed. */
export function errorMessage(error: unknown): HTMLElement {
  return h('p', { class: 'error', role: 'alert' }, error instanceof Error ? error.message : String(error));
}
