import type { RequestLogQuery } from './request-log-records.ts';

/** WHERE clause and values of a request-log query; every value is a parameter. */
export function requestLogConditions(query: RequestLogQuery, placeholder: (index: number) => string = () => '?') {
  const clauses: string[] = [];
  const values: Array<string | number> = [];
  const add = (sql: (slot: string) => string, value: string | number): void => {
    values.push(value);
    clauses.push(sql(placeholder(values.length)));
  };
  if (query.requestId !== undefined) add((slot) => `request_id = ${slot}`, query.requestId);
  if (query.keyId !== undefined) add((slot) => `key_id = ${slot}`, query.keyId);
  if (query.model !== undefined) add((slot) => `model = ${slot}`, query.model);
  if (query.status === 'success') clauses.push('status < 400');
  else if (query.status === 'error') clauses.push('status >= 400');
  else if (query.status !== undefined) add((slot) => `status = ${slot}`, query.status);
  if (query.from !== undefined) add((slot) => `started_at >= ${slot}`, query.from);
  if (query.to !== undefined) add((slot) => `started_at < ${slot}`, query.to);
  if (query.before !== undefined) add((slot) => `id < ${slot}`, query.before);
  if (query.after !== undefined) add((slot) => `id > ${slot}`, query.after);
  return { where: clauses.length === 0 ? '' : `WHERE ${clauses.join(' AND ')}`, values };
}
