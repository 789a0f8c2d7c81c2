// The agreement builder's question pages, each turning what was posted into the draft's terms.
// Pages only reshape form fields: every rule about the terms is checked by the domain (model.ts)
// when the draft is proposed, and shown on the check-answers page.
import type { BuilderContext } from '../../domain/agreements/agreements.builder.ts';
import type { AgreementTerms, Condition, Operation } from '../../domain/agreements/model.ts';
import { OPERATIONS } from '../../domain/agreements/model.ts';
import { assertNoProblems } from '../../errors.ts';
import { dateField, field, fields } from '../pages.ts';

export interface Step {
  slug: string;
  title: string;
  /** Problem fields (from model.ts) that this page answers. */
  answers: string[];
  /** The terms with this page's answers applied. */
  apply(terms: AgreementTerms, body: unknown, ctx: BuilderContext): AgreementTerms;
}

const num = (s: string): number | null => (s.trim() === '' ? null : Number(s.trim()));

function parties(t: AgreementTerms, body: unknown, ctx: BuilderContext): AgreementTerms {
  const chosen = new Set(fields(body, 'parties'));
  const [proposer, ...rest] = t.parties;
  const kept = rest.filter((p) => chosen.has(p.orgId));
  for (const o of ctx.organisations)
    if (
      chosen.has(o.orgId) &&
      o.orgId !== proposer!.orgId &&
      !kept.some((p) => p.orgId === o.orgId)
    )
      kept.push({ orgId: o.orgId, orgName: o.name, lawfulBasis: '', specialCondition: null });
  const orgs = new Set([proposer!.orgId, ...kept.map((p) => p.orgId)]);
  const among = (id: string) => orgs.has(id);
  return {
    ...t,
    title: field(body, 'title').trim() || t.title,
    parties: [proposer!, ...kept],
    // Flows and checks with a party that left go with it.
    flows: t.flows.filter((f) => among(f.from) && among(f.to)),
    checks: t.checks.filter((c) => among(c.from)),
  };
}

function purposes(t: AgreementTerms, body: unknown, ctx: BuilderContext): AgreementTerms {
  const chosen = new Set(fields(body, 'purposes'));
  return {
    ...t,
    purposes: ctx.purposes
      .filter((p) => chosen.has(p.key))
      .map((p) => ({ key: p.key, label: p.label })),
  };
}

function bases(t: AgreementTerms, body: unknown): AgreementTerms {
  return {
    ...t,
    parties: t.parties.map((p) => {
      const special = fields(body, `special-${p.orgId}`).filter(Boolean);
      return {
        ...p,
        lawfulBasis: field(body, `basis-${p.orgId}`) || p.lawfulBasis,
        specialCondition: special.length ? special.join(',') : null,
      };
    }),
  };
}

/** Flow checkboxes are named flow|from|to|recordType with the field names as values. */
function flows(t: AgreementTerms, body: unknown): AgreementTerms {
  const out: AgreementTerms['flows'] = [];
  for (const key of Object.keys(body ?? {})) {
    const [kind, from, to, recordType] = key.split('|');
    if (kind !== 'flow' || !from || !to || !recordType) continue;
    const picked = fields(body, key).filter(Boolean);
    if (picked.length) out.push({ from, to, recordType, fields: picked });
  }
  return { ...t, flows: out };
}

function operations(t: AgreementTerms, body: unknown): AgreementTerms {
  const ops = fields(body, 'operations').filter((o): o is Operation =>
    (OPERATIONS as readonly string[]).includes(o),
  );
  const removed = new Set(fields(body, 'removeCheck'));
  const checks = t.checks.filter((c) => !removed.has(c.key));
  const question = field(body, 'checkQuestion').trim();
  const [from, recordType, source] = field(body, 'checkField').split('|');
  if (question || source) {
    const key =
      question
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-|-$/g, '')
        .slice(0, 40) || `check-${checks.length + 1}`;
    checks.push({
      key,
      question,
      from: from ?? '',
      recordType: recordType ?? '',
      field: source ?? '',
      yesWhen: field(body, 'checkYesWhen')
        .split(',')
        .map((v) => v.trim())
        .filter(Boolean)
        .map((v) => (v === 'true' ? true : v === 'false' ? false : v)),
    });
  }
  return {
    ...t,
    operations: ops,
    checks,
    budgets: {
      lookupsPerDay: num(field(body, 'lookupsPerDay')),
      checksPerDay: num(field(body, 'checksPerDay')),
    },
  };
}

function conditions(t: AgreementTerms, body: unknown): AgreementTerms {
  const out: Condition[] = [];
  const age = field(body, 'underAge').trim();
  if (age)
    out.push({
      kind: 'subject-under-age',
      age: Number(age),
      dateOfBirthField: field(body, 'dateOfBirthField') || 'dateOfBirth',
    });
  const approved = fields(body, 'caldicott').filter(Boolean);
  if (approved.length) out.push({ kind: 'caldicott-approval', personIds: approved });
  return { ...t, conditions: out };
}

function dates(t: AgreementTerms, body: unknown): AgreementTerms {
  const n = field(body, 'retentionCount').trim();
  const unit = field(body, 'retentionUnit') || 'Y';
  const invalid = (['startDate', 'endDate', 'reviewDate'] as const).filter(
    (k) => dateField(body, k) === 'invalid',
  );
  // A date that is not a real date is refused here, with what was typed kept on the page.
  assertNoProblems(
    invalid.map((k) => ({
      field: k,
      message: `The ${k.replace('Date', '')} date must be a real date, like 31 3 2027`,
    })),
  );
  const day = (name: string) => dateField(body, name);
  if (n && !/^\d{1,3}$/.test(n))
    assertNoProblems([
      { field: 'retentionCount', message: 'The retention must be a whole number' },
    ]);
  return {
    ...t,
    retentionAtRecipient: n ? `P${n}${unit}` : '',
    onwardSharing: field(body, 'onwardSharing') === 'yes',
    startDate: day('startDate'),
    endDate: day('endDate'),
    reviewDate: day('reviewDate'),
    dpiaRef: field(body, 'dpiaRef') || null,
  };
}

export const STEPS: Step[] = [
  { slug: 'parties', title: 'Who shares', answers: ['title', 'parties'], apply: parties },
  { slug: 'purposes', title: 'Purposes', answers: ['purposes'], apply: purposes },
  { slug: 'lawful-basis', title: 'Lawful basis', answers: [], apply: bases },
  { slug: 'flows', title: 'What may flow', answers: ['flows'], apply: flows },
  {
    slug: 'operations',
    title: 'Operations, budgets and checks',
    answers: ['operations', 'checks', 'budgets'],
    apply: operations,
  },
  { slug: 'conditions', title: 'Conditions', answers: ['conditions'], apply: conditions },
  {
    slug: 'dates',
    title: 'Retention, dates and DPIA',
    answers: ['retentionAtRecipient', 'startDate', 'endDate', 'reviewDate', 'dpia'],
    apply: dates,
  },
];

/** The builder page that answers a problem's field (lawful-basis problems name the parties). */
export function stepFor(problemField: string | undefined, message: string): string {
  if (problemField === 'parties' && /lawful basis|Art\. 9|Schedule 1/.test(message))
    return 'lawful-basis';
  return STEPS.find((s) => s.answers.includes(problemField ?? ''))?.slug ?? 'parties';
}

/** The dates page's form values from the terms (GOV.UK date inputs are three fields each). */
export function dateValues(t: AgreementTerms): Record<string, string> {
  const v: Record<string, string> = {};
  for (const k of ['startDate', 'endDate', 'reviewDate'] as const) {
    const [y, m, d] = (t[k] ?? '').split('-');
    if (y && m && d) Object.assign(v, { [`${k}-year`]: y, [`${k}-month`]: m, [`${k}-day`]: d });
  }
  const r = /^P(\d+)([YMD])$/.exec(t.retentionAtRecipient ?? '');
  if (r) Object.assign(v, { retentionCount: r[1], retentionUnit: r[2] });
  v.onwardSharing = t.onwardSharing ? 'yes' : 'no';
  v.dpiaRef = t.dpiaRef ?? '';
  return v;
}
