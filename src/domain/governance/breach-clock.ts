// The 72-hour clock (UK GDPR Art. 33(1)): a personal-data breach is reported to the ICO within 72
// hours of becoming aware of it. The deadline is an instant, awareness + 72 × 3600 seconds:
// weekends and bank holidays count, and a change of clocks in London does not change the hours
// that elapse (only how the deadline reads on a London clock). Times are shown in Europe/London.

export const ICO_DEADLINE_HOURS = 72;
const HOUR = 3_600_000;

/** The instant by which the ICO must be told. */
export function breachDeadline(awareAt: string): string {
  return new Date(Date.parse(awareAt) + ICO_DEADLINE_HOURS * HOUR).toISOString();
}

export type ClockStatus =
  | 'running'
  | 'overdue'
  | 'notified-in-time'
  | 'notified-late'
  | 'not-notifiable'
  | 'not-personal-data';

export interface ClockState {
  awareAt: string;
  deadline: string;
  /** The deadline on a London clock, e.g. "Monday 28 October 2024 at 9:00am GMT". */
  deadlineLondon: string;
  awareLondon: string;
  status: ClockStatus;
  /** Whether the clock still counts (no notification and no decision not to notify). */
  running: boolean;
  /** Milliseconds to the deadline at `now` (negative once past); null when stopped. */
  remainingMs: number | null;
  /** Plain words: "2 days 3 hours left", "5 hours overdue", "Notified 20 hours after awareness". */
  label: string;
}

export interface ClockInput {
  aware_at: string;
  personal_data: number | null;
  notify_ico: number | null;
  ico_notified_at: string | null;
}

export function clockState(i: ClockInput, now: Date): ClockState {
  const deadline = breachDeadline(i.aware_at);
  const base = {
    awareAt: i.aware_at,
    deadline,
    deadlineLondon: formatLondon(deadline),
    awareLondon: formatLondon(i.aware_at),
  };
  const stopped = (status: ClockStatus, label: string): ClockState => ({
    ...base,
    status,
    running: false,
    remainingMs: null,
    label,
  });
  if (i.ico_notified_at) {
    const took = Date.parse(i.ico_notified_at) - Date.parse(i.aware_at);
    const late = Date.parse(i.ico_notified_at) > Date.parse(deadline);
    return stopped(
      late ? 'notified-late' : 'notified-in-time',
      `ICO notified ${formatDuration(took)} after awareness${late ? ', after the 72-hour deadline' : ', within 72 hours'}`,
    );
  }
  if (i.personal_data === 0)
    return stopped('not-personal-data', 'No personal data involved: no clock');
  if (i.notify_ico === 0)
    return stopped('not-notifiable', 'Decided not to notify the ICO, with reasons recorded');
  const remaining = Date.parse(deadline) - now.getTime();
  return {
    ...base,
    status: remaining >= 0 ? 'running' : 'overdue',
    running: true,
    remainingMs: remaining,
    label:
      remaining >= 0
        ? `${formatDuration(remaining)} left to notify the ICO`
        : `${formatDuration(-remaining)} past the deadline to notify the ICO`,
  };
}

/** "2 days 3 hours 5 minutes" (whole minutes, rounded down; "less than a minute" below one). */
export function formatDuration(ms: number): string {
  const minutes = Math.floor(Math.abs(ms) / 60_000);
  if (minutes < 1) return 'less than a minute';
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  const part = (n: number, unit: string): string[] =>
    n ? [`${n} ${unit}${n === 1 ? '' : 's'}`] : [];
  return [...part(d, 'day'), ...part(h, 'hour'), ...part(m, 'minute')].join(' ');
}

const LONDON = 'Europe/London';

/** An instant as a London wall-clock reading with the zone: "Monday 28 October 2024 at 9:00am GMT". */
export function formatLondon(iso: string): string {
  const d = new Date(iso);
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {
      timeZone: LONDON,
      weekday: 'long',
      day: 'numeric',
      month: 'long',
      year: 'numeric',
      hour: 'numeric',
      minute: '2-digit',
      hour12: true,
      timeZoneName: 'short',
    })
      .formatToParts(d)
      .map((p) => [p.type, p.value]),
  ) as Record<string, string>;
  const period = (parts.dayPeriod ?? '').toLowerCase().replace(/\s|\./g, '');
  return `${parts.weekday} ${parts.day} ${parts.month} ${parts.year} at ${parts.hour}:${parts.minute}${period} ${parts.timeZoneName}`;
}

/** Minutes London is ahead of UTC at an instant (0 in winter, 60 in summer). */
function londonOffsetMinutes(ms: number): number {
  const p = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {
      timeZone: LONDON,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    })
      .formatToParts(new Date(ms))
      .map((x) => [x.type, x.value]),
  ) as Record<string, string>;
  const wall = Date.UTC(+p.year!, +p.month! - 1, +p.day!, +p.hour!, +p.minute!);
  return Math.round((wall - Math.floor(ms / 60_000) * 60_000) / 60_000);
}

/**
 * A London wall-clock time (YYYY-MM-DD and HH:MM) as a UTC instant. In the hour the clocks go back
 * the time happens twice: the earlier (BST) instant is taken, so the deadline is never later than
 * the law allows. In the hour the clocks go forward the time never happens: 'nonexistent'.
 * Anything not a date and time gives 'invalid'.
 */
export function londonToUtc(day: string, time: string): string {
  const dm = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  const tm = /^(\d{1,2}):(\d{2})$/.exec(time);
  if (!dm || !tm) return 'invalid';
  const [y, mo, d, h, mi] = [+dm[1]!, +dm[2]!, +dm[3]!, +tm[1]!, +tm[2]!];
  if (h > 23 || mi > 59) return 'invalid';
  const wall = Date.UTC(y, mo - 1, d, h, mi);
  if (new Date(wall).getUTCDate() !== d || new Date(wall).getUTCMonth() !== mo - 1)
    return 'invalid';
  // Try summer time first (the earlier instant), then winter time.
  for (const offset of [60, 0]) {
    const candidate = wall - offset * 60_000;
    if (londonOffsetMinutes(candidate) === offset) return new Date(candidate).toISOString();
  }
  return 'nonexistent';
}

/** An instant as London date and time fields (for forms). */
export function toLondonFields(iso: string): { day: string; time: string } {
  const ms = Date.parse(iso);
  const local = new Date(ms + londonOffsetMinutes(ms) * 60_000).toISOString();
  return { day: local.slice(0, 10), time: local.slice(11, 16) };
}
