// Checks for each step of an incident, as pure functions collecting every problem.
import type { Problem } from '../../errors.ts';
import { breachDeadline, londonToUtc } from './breach-clock.ts';
import { checkChoice, isInstant, requireText, text } from './common.ts';
import type { IncidentTable } from './governance.table.ts';
import {
  BREACH_TYPES,
  DATA_CATEGORIES,
  PEOPLE_LIKELIHOOD,
  PEOPLE_SEVERITY,
  SUBJECT_CATEGORIES,
  riskToPeople,
} from './incident.view.ts';

/** Clocks disagree a little; an awareness time up to this far ahead is taken as now. */
const SKEW_MS = 5 * 60_000;

/** A time as people in London read it (forms): a day and a 24-hour time. */
export interface LocalTime {
  day: string;
  time: string;
}

/** An ISO instant from the API, or a London wall-clock time from a form. */
export type TimeInput = string | LocalTime | null | undefined;

export function checkInstant(
  problems: Problem[],
  field: string,
  input: TimeInput,
  label: string,
  opts: { required?: boolean; notAfter?: number; notBefore?: number; notBeforeMessage?: string },
): string | null {
  let value: unknown = input;
  if (typeof input === 'object' && input !== null) {
    if (!input.day && !input.time) value = '';
    else {
      value = londonToUtc(input.day, input.time);
      if (value === 'nonexistent') {
        problems.push({
          field,
          message: `There was no ${input.time} in London on that day: the clocks went forward an hour`,
        });
        return null;
      }
    }
  }
  if (value === undefined || value === null || value === '') {
    if (opts.required) problems.push({ field, message: `Enter ${label}` });
    return null;
  }
  if (!isInstant(value)) {
    problems.push({ field, message: `Enter ${label} as a real date and time` });
    return null;
  }
  const t = Date.parse(value);
  if (opts.notAfter !== undefined && t > opts.notAfter + SKEW_MS) {
    problems.push({
      field,
      message: `${label[0]!.toUpperCase()}${label.slice(1)} cannot be in the future`,
    });
    return null;
  }
  if (opts.notBefore !== undefined && t < opts.notBefore) {
    problems.push({ field, message: opts.notBeforeMessage ?? `${label} is too early` });
    return null;
  }
  return new Date(Math.min(t, opts.notAfter ?? t)).toISOString();
}

export interface ReportInput {
  summary: string;
  description?: string;
  howDiscovered?: string;
  awareAt?: TimeInput;
  occurredAt?: TimeInput;
}

export function checkReport(input: ReportInput, now: Date, problems: Problem[]) {
  const summary = requireText(problems, 'summary', input.summary, 'Say briefly what happened', 300);
  const awareAt =
    checkInstant(problems, 'awareAt', input.awareAt, 'the time you became aware', {
      notAfter: now.getTime(),
    }) ?? now.toISOString();
  const occurredAt = checkInstant(
    problems,
    'occurredAt',
    input.occurredAt,
    'the time it happened',
    {
      notAfter: now.getTime(),
    },
  );
  if (occurredAt && occurredAt > awareAt)
    problems.push({
      field: 'occurredAt',
      message: 'It cannot have happened after you became aware of it',
    });
  return {
    summary,
    description: text(input.description),
    how_discovered: text(input.howDiscovered),
    aware_at: awareAt,
    occurred_at: occurredAt,
  };
}

export interface TriageInput {
  personalData: boolean;
  breachTypes?: string[];
  cyber?: boolean | null;
  dataCategories?: string[];
  subjectCategories?: string[];
  subjectsAffected?: number | null;
  recordsAffected?: number | null;
  likelihood?: string | null;
  severity?: string | null;
  consequences?: string;
}

function count(problems: Problem[], field: string, v: unknown, label: string): number | null {
  if (v === undefined || v === null || v === '') return null;
  const n = typeof v === 'string' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 1_000_000_000) {
    problems.push({ field, message: `${label} must be a whole number, 0 or more` });
    return null;
  }
  return n;
}

export function checkTriage(input: TriageInput, problems: Problem[]): Partial<IncidentTable> {
  if (typeof input.personalData !== 'boolean') {
    problems.push({ field: 'personalData', message: 'Say whether personal data is involved' });
    return {};
  }
  const pd = input.personalData;
  const types = [...new Set(input.breachTypes ?? [])];
  for (const t of types)
    if (!Object.hasOwn(BREACH_TYPES, t))
      problems.push({
        field: 'breachTypes',
        message: `“${t}” is not a type of breach: confidentiality, integrity or availability`,
      });
  const cats = [...new Set(input.dataCategories ?? [])];
  for (const c of cats)
    if (!(DATA_CATEGORIES as readonly string[]).includes(c))
      problems.push({
        field: 'dataCategories',
        message: `“${c}” is not a category on the ICO’s form`,
      });
  const subjects = [...new Set(input.subjectCategories ?? [])];
  for (const s of subjects)
    if (!(SUBJECT_CATEGORIES as readonly string[]).includes(s))
      problems.push({
        field: 'subjectCategories',
        message: `“${s}” is not a category of people Accord knows`,
      });
  let likelihood: string | null = null;
  let severity: string | null = null;
  if (pd) {
    if (types.length === 0)
      problems.push({
        field: 'breachTypes',
        message: 'Choose the type of breach: confidentiality, integrity or availability',
      });
    if (cats.length === 0)
      problems.push({
        field: 'dataCategories',
        message: 'Choose the categories of personal data involved (or “Not yet known”)',
      });
    likelihood = checkChoice(
      problems,
      'likelihood',
      input.likelihood,
      PEOPLE_LIKELIHOOD,
      'Choose how likely it is that people will suffer: remote, possible or likely',
    );
    severity = checkChoice(
      problems,
      'severity',
      input.severity,
      PEOPLE_SEVERITY,
      'Choose how severe the effect on people could be: minimal, significant or severe',
    );
  }
  return {
    personal_data: pd ? 1 : 0,
    breach_types: JSON.stringify(pd ? types : []),
    cyber: input.cyber === undefined || input.cyber === null ? null : input.cyber ? 1 : 0,
    data_categories: JSON.stringify(pd ? cats : []),
    subject_categories: JSON.stringify(pd ? subjects : []),
    subjects_affected: count(
      problems,
      'subjectsAffected',
      input.subjectsAffected,
      'The number of people affected',
    ),
    records_affected: count(
      problems,
      'recordsAffected',
      input.recordsAffected,
      'The number of records affected',
    ),
    likelihood,
    severity,
    consequences: text(input.consequences),
  };
}

export interface DecisionInput {
  notifyIco: boolean;
  reasoning?: string;
  tellSubjects: boolean;
  tellSubjectsReasoning?: string;
}

export function checkDecision(input: DecisionInput, row: IncidentTable, problems: Problem[]): void {
  if (typeof input.notifyIco !== 'boolean')
    problems.push({ field: 'notifyIco', message: 'Decide whether to notify the ICO' });
  if (typeof input.tellSubjects !== 'boolean')
    problems.push({ field: 'tellSubjects', message: 'Decide whether to tell the people affected' });
  const risk = riskToPeople(row.likelihood, row.severity);
  if (input.notifyIco === false && !text(input.reasoning))
    problems.push({ field: 'reasoning', message: 'Record why the ICO is not being notified' });
  if (input.tellSubjects === false && risk === 'high' && !text(input.tellSubjectsReasoning))
    problems.push({
      field: 'tellSubjectsReasoning',
      message:
        'The triage found a high risk to people: record why they are not being told (Art. 34(3))',
    });
}

export function checkNotification(
  input: { notifiedAt: TimeInput; reference: string; lateReason?: string },
  row: IncidentTable,
  now: Date,
  problems: Problem[],
): string | null {
  const at = checkInstant(
    problems,
    'notifiedAt',
    input.notifiedAt,
    'the time the ICO was notified',
    {
      required: true,
      notAfter: now.getTime(),
      // Forms give minutes: the minute of awareness itself counts.
      notBefore: Math.floor(Date.parse(row.aware_at) / 60_000) * 60_000,
      notBeforeMessage: 'The ICO cannot have been notified before you became aware of the breach',
    },
  );
  requireText(problems, 'reference', input.reference, 'Enter the ICO’s case reference', 100);
  if (at && at > breachDeadline(row.aware_at) && !text(input.lateReason))
    problems.push({
      field: 'lateReason',
      message: 'The ICO was told after 72 hours: record the reasons for the delay (Art. 33(1))',
    });
  return at;
}

/** Everything still missing before an incident may be closed, each as a problem. */
export function closeProblems(row: IncidentTable, lessons: string): Problem[] {
  const p: Problem[] = [];
  if (row.personal_data === null) {
    p.push({
      field: 'triage',
      message: 'Triage the incident: say whether personal data is involved',
    });
  } else if (row.personal_data === 1) {
    if (row.notify_ico === null)
      p.push({
        field: 'notifyIco',
        message: 'Record the decision on notifying the ICO, and its reasoning',
      });
    else if (row.notify_ico === 1 && !row.ico_notified_at)
      p.push({
        field: 'icoNotifiedAt',
        message: 'Record when the ICO was notified and its reference',
      });
    if (row.tell_subjects === null)
      p.push({
        field: 'tellSubjects',
        message: 'Record the decision on telling the people affected',
      });
    else if (row.tell_subjects === 1 && !row.subjects_told_at)
      p.push({
        field: 'subjectsToldAt',
        message: 'Record when and how the people affected were told',
      });
  }
  if (!row.containment)
    p.push({ field: 'containment', message: 'Describe how the incident was contained' });
  if (!lessons) p.push({ field: 'lessons', message: 'Record the lessons learned' });
  return p;
}
