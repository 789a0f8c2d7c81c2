// Reading the governance forms: dates, London times, yes/no radios, lists and links. No routes
// here; the governance page modules share these.
import type { Actor } from '../../domain/policy/actor.ts';
import { decide } from '../../domain/policy/decide.ts';
import type { Action } from '../../domain/policy/permissions.ts';
import type { LocalTime } from '../../domain/governance/incident.rules.ts';
import type { LinkInput } from '../../domain/governance/links.ts';
import { dateField, field, fields } from '../pages.ts';

/** A GOV.UK date input as YYYY-MM-DD, null when empty, 'invalid' for the service to report. */
export function optDay(body: unknown, prefix: string): string | null {
  const d = dateField(body, prefix);
  return d === '' ? null : d;
}

/** A date input plus a HH:MM field (`<prefix>Time`), as London wall-clock time. */
export function localTime(body: unknown, prefix: string): LocalTime {
  const d = dateField(body, prefix);
  return { day: d, time: field(body, `${prefix}Time`).trim() };
}

export function yesNo(body: unknown, name: string): boolean | undefined {
  const v = field(body, name);
  return v === 'yes' ? true : v === 'no' ? false : undefined;
}

/** A textarea with one item a line. */
export function lines(body: unknown, name: string): string[] {
  return field(body, name)
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
}

/** A number field: null when empty, NaN (refused by the service) when not a number. */
export function numOrNull(body: unknown, name: string): number | null {
  const v = field(body, name).trim().replace(/,/g, '');
  return v === '' ? null : Number(v);
}

/** Checkbox values `kind:id` as links. */
export function linkInputs(body: unknown, name = 'links'): LinkInput[] {
  return fields(body, name).map((v) => {
    const i = v.indexOf(':');
    return { kind: v.slice(0, i), id: v.slice(i + 1) };
  });
}

/** Whether the actor may do this to anyone's record (not only their own). */
export function mayAll(actor: Actor | null, action: Action): boolean {
  return actor !== null && decide(actor, action, { orgId: actor.orgId, ownerPersonId: null }).allow;
}

/** Rows of repeated fields `<prefix>[n][<key>]` posted as flat names `<prefix>-<n>-<key>`. */
export function rows(
  body: unknown,
  prefix: string,
  keys: string[],
  max = 20,
): Record<string, string>[] {
  const out: Record<string, string>[] = [];
  for (let n = 0; n < max; n++) {
    const row = Object.fromEntries(keys.map((k) => [k, field(body, `${prefix}-${n}-${k}`).trim()]));
    if (Object.values(row).some(Boolean)) out.push(row);
  }
  return out;
}
