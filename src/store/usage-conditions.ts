import type { UsageQuery } from './store-records.ts';

/** WHERE clause and values for a usage query; every value is a parameter. */
export function usageConditions(
  query: Pick<UsageQuery, 'keyId' | 'model' | 'from' | 'to'>,
  placeholder: (index: number) => string = () => '?',
) {
  const clauses: string[] = [];
  const values: Array<string | number> = [];
  const add = (sql: (slot: string) => string, value: string | number): void => {
    values.push(value);
    clauses.push(sql(placeholder(values.length)));
  };
  if (query.keyId !== undefined) add((slot) => `key_id = ${slot}`, query.keyId);
  if (query.model !== undefined) add((slot) => `model = ${slot}`, query.model);
  if (query.from !== undefined) add((slot) => `started_at >= ${slot}`, query.from);
  if (query.to !== undefined) add((slot) => `started_at < ${slot}`, query.to);
  return { where: clauses.length === 0 ? '' : `WHERE ${clauses.join(' AND ')}`, values };
}
