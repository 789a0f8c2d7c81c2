// Helpers shared by the governance registers: checking dates, scales and text, and the people
// look-ups the registers need (answered by the people module, never by reading its tables).
import type { Problem } from '../../errors.ts';
import type { Executor } from '../../store/store.ts';

/** Looks people up for the registers (the people module answers). */
export interface GovernancePeople {
  activePerson(ex: Executor, orgId: string, personId: string): Promise<boolean>;
  activePeople(ex: Executor, orgId: string): Promise<{ id: string; name: string }[]>;
  names(ex: Executor, orgId: string): Promise<Map<string, string>>;
  idByEmail(ex: Executor, orgId: string, email: string): Promise<string | undefined>;
}

export function isDate(s: unknown): s is string {
  return (
    typeof s === 'string' &&
    /^\d{4}-\d{2}-\d{2}$/.test(s) &&
    !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) &&
    new Date(`${s}T00:00:00Z`).toISOString().startsWith(s)
  );
}

export function isInstant(s: unknown): s is string {
  return typeof s === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(s) && !Number.isNaN(Date.parse(s));
}

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** Trimmed text ('' for anything that is not a string). */
export function text(v: unknown): string {
  return typeof v === 'string' ? v.trim() : '';
}

/** Trimmed text, or null when empty. */
export function optText(v: unknown): string | null {
  return text(v) || null;
}

export function requireText(
  problems: Problem[],
  field: string,
  value: unknown,
  message: string,
  max = 20_000,
): string {
  const t = text(value);
  if (!t) problems.push({ field, message });
  else if (t.length > max)
    problems.push({ field, message: `Keep it under ${max.toLocaleString('en-GB')} characters` });
  return t;
}

export interface DateRule {
  required?: boolean;
  /** Refuse a date before this day (YYYY-MM-DD). */
  notBefore?: string;
  notBeforeMessage?: string;
  /** Refuse a date after this day. */
  notAfter?: string;
  notAfterMessage?: string;
  label: string;
}

/** Checks a calendar date; returns it, or null when absent (and not required) or wrong. */
export function checkDate(
  problems: Problem[],
  field: string,
  value: unknown,
  rule: DateRule,
): string | null {
  if (value === undefined || value === null || value === '') {
    if (rule.required) problems.push({ field, message: `Enter ${rule.label}` });
    return null;
  }
  if (!isDate(value)) {
    problems.push({ field, message: `Enter ${rule.label} as a real date, like 2027-03-31` });
    return null;
  }
  if (rule.notBefore && value < rule.notBefore) {
    problems.push({
      field,
      message: rule.notBeforeMessage ?? `${capitalise(rule.label)} cannot be in the past`,
    });
    return null;
  }
  if (rule.notAfter && value > rule.notAfter) {
    problems.push({
      field,
      message: rule.notAfterMessage ?? `${capitalise(rule.label)} cannot be in the future`,
    });
    return null;
  }
  return value;
}

/** Checks a whole number on a scale (1–5 for the risk register, 1–3 for DPIA risks). */
export function checkScale(
  problems: Problem[],
  field: string,
  value: unknown,
  max: number,
  label: string,
): number {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > max) {
    problems.push({
      field,
      message: `${capitalise(label)} must be a whole number from 1 to ${max}`,
    });
    return 0;
  }
  return n;
}

/** Checks a value is one of the allowed choices. */
export function checkChoice<T extends string>(
  problems: Problem[],
  field: string,
  value: unknown,
  allowed: readonly T[],
  message: string,
): T | null {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value))
    return value as T;
  problems.push({ field, message });
  return null;
}

export function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export function parseJson<T>(s: string | null | undefined, fallback: T): T {
  if (!s) return fallback;
  try {
    return JSON.parse(s) as T;
  } catch {
    return fallback;
  }
}

/** Clean list of short strings (tags, categories, countries). */
export function textList(v: unknown, max = 50): string[] {
  const arr = Array.isArray(v) ? v : typeof v === 'string' ? v.split(/[\n,]/) : [];
  return [...new Set(arr.map(text).filter(Boolean))].slice(0, max);
}

export const flag = (b: boolean | null | undefined): number | null =>
  b === null || b === undefined ? null : b ? 1 : 0;

export const bool = (n: number | null): boolean | null => (n === null ? null : n === 1);

/** A person's name for an actor ref (person:<id>), or a plain word for other actors. */
export function nameOfRef(ref: string | null, names: Map<string, string>): string | null {
  if (!ref) return null;
  if (ref.startsWith('person:')) return names.get(ref.slice(7)) ?? 'someone who has left';
  if (ref.startsWith('token:')) return 'a partner system';
  return ref === 'node' ? 'Accord' : ref;
}
