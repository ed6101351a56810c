import type { RequestLogQuery } from './request-log-records.ts';
import { addUsageFilters, buildConditions, type Conditions } from './usage-conditions.ts';

/** WHERE clause and values of a request-log query: the usage filters and its own; every value is a parameter. */
export function requestLogConditions(
  query: RequestLogQuery,
  placeholder: (index: number) => string = () => '?',
): Conditions {
  return buildConditions(placeholder, (add, addLiteral) => {
    add((slot) => `request_id = ${slot}`, query.requestId);
    addUsageFilters(add, query);
    if (query.status === 'success') addLiteral('status < 400');
    else if (query.status === 'error') addLiteral('status >= 400');
    else add((slot) => `status = ${slot}`, query.status);
    add((slot) => `id < ${slot}`, query.before);
    add((slot) => `id > ${slot}`, query.after);
  });
}
