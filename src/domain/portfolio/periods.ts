// Periods cut into consecutive buckets (UTC weeks from Monday, months, quarters) for trends.
import { DAY_MS } from './portfolio.common.ts';

export type BucketUnit = 'week' | 'month' | 'quarter';

/** Consecutive [from, to) buckets (UTC) covering the period, labelled for charts and tables. */
export function buckets(
  from: number,
  to: number,
  unit: BucketUnit,
): { label: string; from: number; to: number }[] {
  const out: { label: string; from: number; to: number }[] = [];
  const d = new Date(from);
  let start: Date;
  if (unit === 'week') {
    start = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
    start = new Date(start.getTime() - ((start.getUTCDay() + 6) % 7) * DAY_MS);
  } else {
    const m = unit === 'quarter' ? d.getUTCMonth() - (d.getUTCMonth() % 3) : d.getUTCMonth();
    start = new Date(Date.UTC(d.getUTCFullYear(), m, 1));
  }
  while (start.getTime() < to && out.length < 400) {
    const next =
      unit === 'week'
        ? new Date(start.getTime() + 7 * DAY_MS)
        : new Date(
            Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + (unit === 'quarter' ? 3 : 1), 1),
          );
    const iso = start.toISOString().slice(0, 10);
    const label =
      unit === 'week'
        ? `w/c ${iso}`
        : unit === 'quarter'
          ? `${start.getUTCFullYear()}-Q${Math.floor(start.getUTCMonth() / 3) + 1}`
          : iso.slice(0, 7);
    out.push({ label, from: Math.max(start.getTime(), from), to: Math.min(next.getTime(), to) });
    start = next;
  }
  return out;
}
