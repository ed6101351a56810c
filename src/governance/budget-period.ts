import type { BudgetPeriod } from '../store/store-records.ts';

/**
 * The current budget period, in UTC: a day from midnight, a week from Monday, a month from the 1st.
 * A lifetime budget (no period) starts at 0 and never ends.
 */
export function budgetPeriodOf(period: BudgetPeriod | null, now: number): { start: number; end: number | null } {
  const date = new Date(now);
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth();
  const day = date.getUTCDate();
  switch (period) {
    case null:
      return { start: 0, end: null };
    case 'daily':
      return { start: Date.UTC(year, month, day), end: Date.UTC(year, month, day + 1) };
    case 'weekly': {
      const sinceMonday = (date.getUTCDay() + 6) % 7;
      return { start: Date.UTC(year, month, day - sinceMonday), end: Date.UTC(year, month, day - sinceMonday + 7) };
    }
    case 'monthly':
      return { start: Date.UTC(year, month, 1), end: Date.UTC(year, month + 1, 1) };
  }
}
