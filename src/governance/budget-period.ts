import type { BudgetPeriod } from '../store/store-records.ts';

/**
 * The current budget period, in UTC: a day from midnight, a week from Monday, a month from the 1st.
 * A lifetime budget (no period) starts at 0 and never ends.
 */
export function budgetPeriodOf(period: BudgetPeriod | null, now: number): Readonly<BudgetWindow> {
  if (period === null) return lifetime;
  // Every governed request asks; the answer changes once a day at most.
  const last = latest.get(period);
  if (last !== undefined && last.start <= now && now < last.end) return last;
  const computed = computePeriod(period, now);
  latest.set(period, computed);
  return computed;
}

interface BudgetWindow {
  start: number;
  end: number | null;
}

const lifetime: Readonly<BudgetWindow> = Object.freeze({ start: 0, end: null });
const latest = new Map<BudgetPeriod, { start: number; end: number }>();

function computePeriod(period: BudgetPeriod, now: number): { start: number; end: number } {
  const date = new Date(now);
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth();
  const day = date.getUTCDate();
  switch (period) {
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
