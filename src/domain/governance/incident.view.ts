// Incidents and breaches as the domain sees them, with the vocabulary of the ICO's breach report
// form and the clock's state.
import { bool, nameOfRef, parseJson } from './common.ts';
import { clockState } from './breach-clock.ts';
import type { ClockState } from './breach-clock.ts';
import type { IncidentTable } from './governance.table.ts';
import type { Link } from './links.ts';

export const BREACH_TYPES = {
  confidentiality:
    'Confidentiality: unauthorised or accidental disclosure of, or access to, personal data',
  integrity: 'Integrity: unauthorised or accidental alteration of personal data',
  availability:
    'Availability: unauthorised or accidental loss of access to, or destruction of, personal data',
} as const;

/** Categories of personal data, as the ICO's breach report form lists them. */
export const DATA_CATEGORIES = [
  'Basic personal identifiers (name, contact details)',
  'Identification data (usernames, passwords)',
  'Economic and financial data (bank details, card numbers)',
  'Official documents (driving licences, passports)',
  'Location data',
  'Genetic or biometric data',
  'Criminal convictions and offences',
  'Racial or ethnic origin',
  'Political opinions',
  'Religious or philosophical beliefs',
  'Trade union membership',
  'Sex life or sexual orientation',
  'Health data',
  'Not yet known',
] as const;

/** Special category and criminal offence data among the above (Arts. 9 and 10). */
export const SPECIAL_CATEGORIES: readonly string[] = DATA_CATEGORIES.slice(5, 13);

export const SUBJECT_CATEGORIES = [
  'Employees',
  'Residents or service users',
  'Customers or prospective customers',
  'Members',
  'Patients',
  'Students or pupils',
  'Children',
  'Vulnerable adults',
  'Not yet known',
] as const;

/** Likelihood and severity of the risk to people (ICO guidance on assessing breach risk). */
export const PEOPLE_LIKELIHOOD = ['remote', 'possible', 'likely'] as const;
export const PEOPLE_SEVERITY = ['minimal', 'significant', 'severe'] as const;

export type RiskToPeople = 'unlikely' | 'risk' | 'high';

/**
 * What the triage suggests: a risk to people's rights must be reported to the ICO (Art. 33);
 * a high risk must also be told to the people affected (Art. 34).
 */
export function riskToPeople(
  likelihood: string | null,
  severity: string | null,
): RiskToPeople | null {
  const l = PEOPLE_LIKELIHOOD.indexOf(likelihood as never) + 1;
  const s = PEOPLE_SEVERITY.indexOf(severity as never) + 1;
  if (!l || !s) return null;
  const score = l * s;
  return score >= 6 ? 'high' : score >= 3 ? 'risk' : 'unlikely';
}

export const RISK_TO_PEOPLE_ADVICE: Record<RiskToPeople, string> = {
  unlikely: 'Unlikely to result in a risk to people: the ICO need not be told, but record why.',
  risk: 'Likely to result in a risk to people: tell the ICO within 72 hours of awareness.',
  high: 'Likely to result in a high risk to people: tell the ICO within 72 hours and tell the people affected without undue delay.',
};

export interface Incident {
  id: string;
  ref: string;
  summary: string;
  description: string;
  howDiscovered: string;
  reportedByName: string | null;
  reporterId: string | null;
  reportedAt: string;
  awareAt: string;
  occurredAt: string | null;
  status: 'reported' | 'triaged' | 'closed';
  personalData: boolean | null;
  breachTypes: string[];
  cyber: boolean | null;
  dataCategories: string[];
  specialCategories: boolean;
  subjectCategories: string[];
  subjectsAffected: number | null;
  recordsAffected: number | null;
  likelihood: string | null;
  severity: string | null;
  riskToPeople: RiskToPeople | null;
  riskAdvice: string | null;
  consequences: string;
  triagedByName: string | null;
  triagedAt: string | null;
  notifyIco: boolean | null;
  notifyReasoning: string | null;
  tellSubjects: boolean | null;
  tellSubjectsReasoning: string | null;
  decidedByName: string | null;
  decidedAt: string | null;
  icoNotifiedAt: string | null;
  icoReference: string | null;
  lateReason: string | null;
  subjectsToldAt: string | null;
  subjectsToldHow: string | null;
  containment: string;
  recovery: string;
  lessons: string;
  staffTrained: string;
  otherBodiesTold: string;
  closedByName: string | null;
  closedAt: string | null;
  links: Link[];
  clock: ClockState;
}

export function toIncident(
  r: IncidentTable,
  now: Date,
  names: Map<string, string>,
  links: Link[] = [],
): Incident {
  const dataCategories = parseJson<string[]>(r.data_categories, []);
  const risk = riskToPeople(r.likelihood, r.severity);
  return {
    id: r.incident_id,
    ref: r.ref,
    summary: r.summary,
    description: r.description,
    howDiscovered: r.how_discovered,
    reportedByName: nameOfRef(r.reported_by, names),
    reporterId: r.reporter_id,
    reportedAt: r.reported_at,
    awareAt: r.aware_at,
    occurredAt: r.occurred_at,
    status: r.status as Incident['status'],
    personalData: bool(r.personal_data),
    breachTypes: parseJson<string[]>(r.breach_types, []),
    cyber: bool(r.cyber),
    dataCategories,
    specialCategories: dataCategories.some((c) => SPECIAL_CATEGORIES.includes(c)),
    subjectCategories: parseJson<string[]>(r.subject_categories, []),
    subjectsAffected: r.subjects_affected,
    recordsAffected: r.records_affected,
    likelihood: r.likelihood,
    severity: r.severity,
    riskToPeople: risk,
    riskAdvice: risk ? RISK_TO_PEOPLE_ADVICE[risk] : null,
    consequences: r.consequences,
    triagedByName: nameOfRef(r.triaged_by, names),
    triagedAt: r.triaged_at,
    notifyIco: bool(r.notify_ico),
    notifyReasoning: r.notify_reasoning,
    tellSubjects: bool(r.tell_subjects),
    tellSubjectsReasoning: r.tell_subjects_reasoning,
    decidedByName: nameOfRef(r.decided_by, names),
    decidedAt: r.decided_at,
    icoNotifiedAt: r.ico_notified_at,
    icoReference: r.ico_reference,
    lateReason: r.late_reason,
    subjectsToldAt: r.subjects_told_at,
    subjectsToldHow: r.subjects_told_how,
    containment: r.containment,
    recovery: r.recovery,
    lessons: r.lessons,
    staffTrained: r.staff_trained,
    otherBodiesTold: r.other_bodies_told,
    closedByName: nameOfRef(r.closed_by, names),
    closedAt: r.closed_at,
    links,
    clock: clockState(r, now),
  };
}
