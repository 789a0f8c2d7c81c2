// The UK statutory clock for data subjects' requests (UK GDPR Art. 12(3), ICO guidance "Time
// limits for responding"): one calendar month from the day of receipt, to the corresponding
// calendar date in the next month — "if there is no corresponding calendar date, the date for
// response is the last day of the following month" — and, when that falls on a weekend or a bank
// holiday, the next working day. Extendable by up to two further months (complex or numerous
// requests, with the reason recorded); paused while waiting for proof of identity or for
// clarification, the days paused being added when it resumes. Pure: dates are YYYY-MM-DD.
import { isBankHoliday } from './bank-holidays.ts';

export const MAX_EXTENSION_MONTHS = 2;

export interface Pause {
  /** The day the clock stopped (the day the question was sent). */
  from: string;
  /** The day it restarted (the answer arrived); null while still waiting. */
  to: string | null;
}

export interface ClockInput {
  receivedOn: string;
  extensionMonths: number;
  pauses: readonly Pause[];
}

export interface ClockState {
  /** The last day to respond, counting an open pause up to today. */
  dueOn: string;
  /** The deadline before any extension or pause (for the timeline). */
  originalDueOn: string;
  pausedDays: number;
  paused: boolean;
  /** Calendar days from today to the due date; negative when overdue. */
  daysLeft: number;
  overdue: boolean;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

export function isDate(s: string): boolean {
  const m = DATE.exec(s);
  if (!m) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

function parse(s: string): Date {
  if (!isDate(s)) throw new RangeError(`not a date: ${s}`);
  return new Date(`${s}T00:00:00Z`);
}

const fmt = (d: Date): string => d.toISOString().slice(0, 10);

export function addDays(date: string, days: number): string {
  return fmt(new Date(parse(date).getTime() + days * DAY_MS));
}

/** Whole calendar days from a to b (b − a). */
export function daysBetween(a: string, b: string): number {
  return Math.round((parse(b).getTime() - parse(a).getTime()) / DAY_MS);
}

/** The corresponding day n months later, or the last day of that month when there is none. */
export function addCalendarMonths(date: string, months: number): string {
  const d = parse(date);
  const target = d.getUTCMonth() + months;
  const year = d.getUTCFullYear() + Math.floor(target / 12);
  const month = ((target % 12) + 12) % 12;
  const last = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return fmt(new Date(Date.UTC(year, month, Math.min(d.getUTCDate(), last))));
}

export function isWorkingDay(date: string): boolean {
  const wd = parse(date).getUTCDay();
  return wd !== 0 && wd !== 6 && !isBankHoliday(date);
}

/** The date itself when it is a working day, else the next one. */
export function nextWorkingDay(date: string): string {
  let d = date;
  while (!isWorkingDay(d)) d = addDays(d, 1);
  return d;
}

export function pausedDays(pauses: readonly Pause[], today: string): number {
  return pauses.reduce((n, p) => n + Math.max(0, daysBetween(p.from, p.to ?? today)), 0);
}

/** The due date: one month (plus any extension) from receipt, plus days paused, on a working day. */
export function dueDate(input: ClockInput, today: string): string {
  if (input.extensionMonths < 0 || input.extensionMonths > MAX_EXTENSION_MONTHS)
    throw new RangeError(`an extension is 0 to ${MAX_EXTENSION_MONTHS} months`);
  const raw = addCalendarMonths(input.receivedOn, 1 + input.extensionMonths);
  return nextWorkingDay(addDays(raw, pausedDays(input.pauses, today)));
}

export function clockState(input: ClockInput, today: string): ClockState {
  const dueOn = dueDate(input, today);
  const daysLeft = daysBetween(today, dueOn);
  return {
    dueOn,
    originalDueOn: nextWorkingDay(addCalendarMonths(input.receivedOn, 1)),
    pausedDays: pausedDays(input.pauses, today),
    paused: input.pauses.some((p) => p.to === null),
    daysLeft,
    overdue: daysLeft < 0,
  };
}

/** The calendar date in the UK (Europe/London) of an instant: when a request counts as received. */
export function londonDate(at: Date): string {
  return at.toLocaleDateString('en-CA', { timeZone: 'Europe/London' });
}
