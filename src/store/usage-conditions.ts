import type { UsageQuery } from './store-records.ts';

/** Adds a clause on `value`, which becomes its parameter (`slot`); nothing when the value is undefined. */
export type AddCondition = (sql: (slot: string) => string, value: string | number | undefined) => void;

/** A WHERE clause (empty when nothing filters) and its parameters. */
export interface Conditions {
  where: string;
  values: Array<string | number>;
}

/** The WHERE clause of what `fill` adds (ANDed), every value a parameter numbered by `placeholder`. */
export function buildConditions(
  placeholder: (index: number) => string,
  fill: (add: AddCondition, addLiteral: (clause: string) => void) => void,
): Conditions {
  const clauses: string[] = [];
  const values: Array<string | number> = [];
  fill(
    (sql, value) => {
      if (value === undefined) return;
      values.push(value);
      clauses.push(sql(placeholder(values.length)));
    },
    (clause) => clauses.push(clause),
  );
  return { where: clauses.length === 0 ? '' : `WHERE ${clauses.join(' AND ')}`, values };
}

/** The filters of every usage query: key, model and time range. */
export function addUsageFilters(add: AddCondition, query: Pick<UsageQuery, 'keyId' | 'model' | 'from' | 'to'>): void {
  add((slot) => `key_id = ${slot}`, query.keyId);
  add((slot) => `model = ${slot}`, query.model);
  add((slot) => `started_at >= ${slot}`, query.from);
  add((slot) => `started_at < ${slot}`, query.to);
}

/** WHERE clause and values for a usage query; every value is a parameter. */
export function usageConditions(
  query: Pick<UsageQuery, 'keyId' | 'model' | 'from' | 'to'>,
  placeholder: (index: number) => string = () => '?',
): Conditions {
  return buildConditions(placeholder, (add) => addUsageFilters(add, query));
}
