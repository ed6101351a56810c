/**
 * Keeps a metric label's values bounded: the first `limit` distinct values pass, later new ones become
 * `other`. Model names can come from callers (`openai/anything` routes ad hoc), and each distinct label
 * set is a time series kept forever; a guard stops a caller from growing `/metrics` without bound.
 */
export class LabelGuard {
  readonly #seen = new Set<string>();
  readonly #limit: number;

  constructor(limit: number) {
    this.#limit = limit;
  }

  value(raw: string | undefined): string {
    if (raw === undefined || raw === '') return 'none';
    if (this.#seen.has(raw)) return raw;
    if (this.#seen.size >= this.#limit) return 'other';
    this.#seen.add(raw);
    return raw;
  }
}
