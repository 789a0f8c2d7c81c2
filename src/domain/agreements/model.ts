// The terms of a data-sharing agreement, and every check they must pass before they can be
// proposed. The terms are data: the policy decision point is compiled from them (compile.ts) and
// they export as Cedar policy (cedar.ts).
import { createHash } from 'node:crypto';
import type { Problem } from '../../errors.ts';
import type { FieldInfo } from '../records/annotations.ts';
import { PERIOD } from '../records/assets.service.ts';
import { isArticle6, isArticle9, isSchedule1 } from '../records/lawful-bases.ts';

export const OPERATIONS = ['transfer', 'lookup', 'check'] as const;
export type Operation = (typeof OPERATIONS)[number];

export interface Party {
  orgId: string;
  orgName: string;
  /** UK GDPR Art. 6(1) basis (or DPA 2018 Part 3) this party relies on. */
  lawfulBasis: string;
  /** Art. 9(2) condition and Schedule 1 condition, comma-separated, where special-category data flows. */
  specialCondition: string | null;
}

/** Fields of one record type that may flow from one party to another. */
export interface Flow {
  from: string;
  to: string;
  recordType: string;
  fields: string[];
  /** Of those, the special-category or criminal-offence ones (recorded from the record type at proposal). */
  special?: string[];
}

/** A yes/no question the providing party answers without disclosing the record. */
export interface CheckQuestion {
  key: string;
  question: string;
  from: string;
  recordType: string;
  field: string;
  /** "yes" when the subject's field has one of these values. */
  yesWhen: (string | number | boolean)[];
  /** Whether the field is special-category or criminal-offence data (recorded at proposal). */
  special?: boolean;
}

export type Condition =
  | { kind: 'subject-under-age'; age: number; dateOfBirthField: string }
  | { kind: 'caldicott-approval'; personIds: string[] };

export interface AgreementTerms {
  title: string;
  parties: Party[];
  purposes: { key: string; label: string }[];
  flows: Flow[];
  operations: Operation[];
  checks: CheckQuestion[];
  /** ISO 8601 period the recipient keeps what it receives. */
  retentionAtRecipient: string;
  onwardSharing: boolean;
  /** YYYY-MM-DD; the agreement is in force from the start of startDate until the start of endDate (UTC). */
  startDate: string;
  endDate: string;
  reviewDate: string;
  dpiaRef: string | null;
  /** At most this many look-ups or checks per recipient organisation per day (null: no limit). */
  budgets: { lookupsPerDay: number | null; checksPerDay: number | null };
  conditions: Condition[];
}

export const emptyTerms = (title: string, proposer: Party): AgreementTerms => ({
  title,
  parties: [proposer],
  purposes: [],
  flows: [],
  operations: [],
  checks: [],
  retentionAtRecipient: '',
  onwardSharing: false,
  startDate: '',
  endDate: '',
  reviewDate: '',
  dpiaRef: null,
  budgets: { lookupsPerDay: null, checksPerDay: null },
  conditions: [],
});

/** JSON with keys in a fixed order, so equal terms always have equal digests. */
export function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

export const digestOf = (terms: AgreementTerms): string =>
  createHash('sha256').update(canonical(terms)).digest('hex');

export const instantOf = (day: string): string => `${day}T00:00:00.000Z`;

const isDay = (s: string): boolean =>
  /^\d{4}-\d{2}-\d{2}$/.test(s) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s);

/** What validation needs to know about the world. */
export interface TermsContext {
  /** Fields of a party's record type (its latest version), or undefined when it has no such type. */
  fieldsOf(orgId: string, recordType: string): FieldInfo[] | undefined;
  /** Roles missing in a party organisation for approval: 'dpo' and/or 'siro'. */
  missingSignatories(orgId: string): ('dpo' | 'siro')[];
  knownPurpose(key: string): boolean;
  today: string;
}

/** Every problem that stops the terms being proposed. */
export function termsProblems(t: AgreementTerms, ctx: TermsContext): Problem[] {
  const p: Problem[] = [];
  const orgs = new Set(t.parties.map((x) => x.orgId));
  if (!t.title?.trim()) p.push({ field: 'title', message: 'Give the agreement a title' });
  if (t.parties.length < 2 || orgs.size !== t.parties.length)
    p.push({
      field: 'parties',
      message: 'An agreement needs at least two different organisations',
    });
  for (const party of t.parties) {
    if (!isArticle6(party.lawfulBasis ?? ''))
      p.push({
        field: 'parties',
        message: `${party.orgName}: choose the lawful basis (UK GDPR Art. 6, or DPA 2018 Part 3)`,
      });
    for (const role of ctx.missingSignatories(party.orgId))
      p.push({
        field: 'parties',
        message: `${party.orgName} has no ${role === 'dpo' ? 'Data Protection Officer' : 'Senior Information Risk Owner'} to approve it`,
      });
  }
  if (t.purposes.length === 0)
    p.push({ field: 'purposes', message: 'Choose at least one purpose' });
  for (const pu of t.purposes)
    if (!ctx.knownPurpose(pu.key))
      p.push({ field: 'purposes', message: `“${pu.label}” is not in the purposes vocabulary` });
  if (t.operations.length === 0)
    p.push({
      field: 'operations',
      message: 'Choose what the agreement allows: transfers, look-ups or yes/no checks',
    });
  if (t.flows.length === 0 && t.checks.length === 0)
    p.push({ field: 'flows', message: 'Choose the record types and fields that may flow' });
  const special = new Set<string>();
  for (const f of t.flows) {
    if (!orgs.has(f.from) || !orgs.has(f.to) || f.from === f.to)
      p.push({ field: 'flows', message: 'Each flow goes from one party to another' });
    const fields = ctx.fieldsOf(f.from, f.recordType);
    if (!fields) {
      p.push({
        field: 'flows',
        message: `The providing party has no record type “${f.recordType}”`,
      });
      continue;
    }
    if (f.fields.length === 0)
      p.push({ field: 'flows', message: `Choose the ${f.recordType} fields that may flow` });
    for (const name of f.fields) {
      const info = fields.find((x) => x.name === name);
      if (!info) p.push({ field: 'flows', message: `“${name}” is not a field of ${f.recordType}` });
      else if (info.category === 'special-category' || info.category === 'criminal-offence') {
        special.add(f.from);
        special.add(f.to);
      }
    }
  }
  for (const c of t.checks) {
    const fields = ctx.fieldsOf(c.from, c.recordType);
    if (!c.question?.trim()) p.push({ field: 'checks', message: 'Each check needs its question' });
    if (!fields?.some((f) => f.name === c.field))
      p.push({
        field: 'checks',
        message: `The check “${c.question}” uses “${c.field}”, which is not a field of ${c.recordType}`,
      });
    else if (
      fields.some(
        (f) =>
          f.name === c.field &&
          (f.category === 'special-category' || f.category === 'criminal-offence'),
      )
    ) {
      special.add(c.from);
      for (const o of orgs) special.add(o);
    }
    if (!c.yesWhen?.length)
      p.push({
        field: 'checks',
        message: `The check “${c.question}” needs the values that mean yes`,
      });
  }
  if (t.checks.length && !t.operations.includes('check'))
    p.push({ field: 'operations', message: 'Checks are defined, so allow yes/no checks' });
  for (const party of t.parties) {
    if (!special.has(party.orgId) || party.lawfulBasis === 'dpa-part-3') continue;
    const conds = (party.specialCondition ?? '')
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean);
    const art9 = conds.find(isArticle9);
    if (!art9)
      p.push({
        field: 'parties',
        message: `Special-category data flows to or from ${party.orgName}: give its Art. 9(2) condition`,
      });
    else if (
      ['art9-2-b', 'art9-2-g', 'art9-2-h', 'art9-2-i', 'art9-2-j'].includes(art9) &&
      !conds.some(isSchedule1)
    ) {
      p.push({
        field: 'parties',
        message: `${party.orgName}: that Art. 9(2) condition also needs a DPA 2018 Schedule 1 condition`,
      });
    }
  }
  if (!t.retentionAtRecipient)
    p.push({
      field: 'retentionAtRecipient',
      message: 'Say how long the recipient may keep what it receives',
    });
  else if (!PERIOD.test(t.retentionAtRecipient))
    p.push({
      field: 'retentionAtRecipient',
      message: 'Give the retention period like P2Y, P6M or P30D',
    });
  const dates = (['startDate', 'endDate', 'reviewDate'] as const).filter((k) => !isDay(t[k] ?? ''));
  for (const k of dates)
    p.push({
      field: k,
      message: `Enter the ${k === 'startDate' ? 'start' : k === 'endDate' ? 'end' : 'review'} date`,
    });
  if (dates.length === 0) {
    if (t.endDate <= t.startDate)
      p.push({ field: 'endDate', message: 'The end date must be after the start date' });
    if (t.reviewDate < t.startDate || t.reviewDate > t.endDate)
      p.push({
        field: 'reviewDate',
        message: 'The review date must fall between the start and the end',
      });
    if (t.endDate <= ctx.today)
      p.push({ field: 'endDate', message: 'The end date must be in the future' });
  }
  for (const [k, v] of Object.entries(t.budgets))
    if (v !== null && (!Number.isInteger(v) || v < 1))
      p.push({
        field: 'budgets',
        message: `The ${k === 'lookupsPerDay' ? 'look-up' : 'check'} budget must be a whole number of at least 1, or none`,
      });
  for (const c of t.conditions) {
    if (c.kind === 'subject-under-age' && (!Number.isInteger(c.age) || c.age < 1 || c.age > 130))
      p.push({ field: 'conditions', message: 'The age limit must be a whole number of years' });
  }
  return p;
}
