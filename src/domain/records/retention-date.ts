// When a record falls due under its asset's retention rule: the named date field plus the
// period (ISO 8601, years/months/days), by calendar arithmetic in UTC. 31 January + P1M is the
// last day of February, as people count months.
import { PERIOD } from './assets.rules.ts';

export function addPeriod(date: string, period: string): string | null {
  const m = PERIOD.exec(period);
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m || !d) return null;
  const years = Number(m[1]?.slice(0, -1) ?? 0);
  const months = Number(m[2]?.slice(0, -1) ?? 0);
  const days = Number(m[3]?.slice(0, -1) ?? 0);
  const y = Number(d[1]) + years;
  const monthIndex = Number(d[2]) - 1 + months;
  const year = y + Math.floor(monthIndex / 12);
  const month = ((monthIndex % 12) + 12) % 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const day = Math.min(Number(d[3]), lastDay);
  return new Date(Date.UTC(year, month, day) + days * 86_400_000).toISOString().slice(0, 10);
}

/** The retention due date for a payload under an asset rule, or null when the rule or date is missing. */
export function retainUntil(
  payload: Record<string, unknown>,
  period: string | null,
  fromField: string | null,
): string | null {
  if (!period || !fromField) return null;
  const v = payload[fromField];
  return typeof v === 'string' ? addPeriod(v, period) : null;
}

/**
 * retainUntil for one asset's rule, remembering recent dates: a bulk load sees the same few
 * thousand dates again and again. The memory is bounded (cleared when full).
 */
export function retainUntilMemo(
  period: string | null,
  fromField: string | null,
): (payload: Record<string, unknown>) => string | null {
  const seen = new Map<string, string | null>();
  return (payload) => {
    if (!period || !fromField) return null;
    const v = payload[fromField];
    if (typeof v !== 'string') return null;
    let due = seen.get(v);
    if (due === undefined) {
      if (seen.size >= 10_000) seen.clear();
      due = addPeriod(v, period);
      seen.set(v, due);
    }
    return due;
  };
}

/** "P2Y6M" → "2 years 6 months", for registers people read. */
export function periodWords(iso: string): string {
  const m = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?$/.exec(iso);
  if (!m) return iso;
  return (['year', 'month', 'day'] as const)
    .map((unit, i) => (m[i + 1] ? `${m[i + 1]} ${unit}${m[i + 1] === '1' ? '' : 's'}` : ''))
    .filter(Boolean)
    .join(' ');
}
