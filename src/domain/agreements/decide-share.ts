// Deciding a share: may the actor's organisation receive this from the provider, for this
// purpose, now? A pure function over the compiled index that names the agreement version and
// clause that allowed or refused, the fields that may flow, and a reason a person can read.
import type { Actor } from '../policy/actor.ts';
import { decide } from '../policy/decide.ts';
import type { CompiledVersion, PolicyIndex } from './compile.ts';
import type { Operation } from './model.ts';

export interface ShareRequest {
  actor: Actor;
  operation: Operation;
  providerOrgId: string;
  recordType: string;
  purpose: string;
  now: number;
  /** Fields asked for; omitted: every field the agreement shares. */
  fields?: readonly string[];
  checkKey?: string;
  /** The subject's record, for conditions (e.g. the age limit). */
  subject?: Record<string, unknown>;
  /** Look-ups or checks the recipient organisation has made today under each agreement. */
  usedToday?: (agreementId: string) => number;
  /**
   * The record's processing is restricted (UK GDPR Art. 18: `record.restricted_at` is set): it is
   * kept but never transferred, looked up or checked, whatever the agreements say.
   */
  restricted?: boolean;
}

export interface ShareDecision {
  allow: boolean;
  outcome: 'allow' | 'forbidden' | 'not-found' | 'training' | 'second-factor' | 'budget';
  reason: string;
  agreement: { agreementId: string; versionId: string; reference: string; version: number } | null;
  /** Which clause of the agreement decided: purpose, fields, operation, condition, validity, approval, budget. */
  clause: string;
  /** The fields that may flow (the projection); empty when refused. */
  fields: string[];
}

/** The permission each operation needs of the actor in their own organisation (exported to Cedar too). */
export const PERMISSION: Record<Operation, 'records.read' | 'records.write'> = {
  transfer: 'records.write',
  lookup: 'records.read',
  check: 'records.read',
};
const OP_WORDS: Record<Operation, string> = {
  transfer: 'transfers',
  lookup: 'look-ups',
  check: 'yes/no checks',
};

const day = (ms: number): string =>
  new Date(ms).toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  });
const quoteList = (xs: string[]): string =>
  xs.map((x) => `'${x}'`).join(xs.length === 2 ? ' and ' : ', ');

function ageAt(dob: unknown, now: number): number | null {
  if (typeof dob !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(dob)) return null;
  const d = new Date(`${dob}T00:00:00Z`);
  // Not a day (2020-13-01, 2021-02-30): unknown, so the condition cannot be shown to hold.
  if (Number.isNaN(d.getTime()) || !d.toISOString().startsWith(dob)) return null;
  const n = new Date(now);
  let age = n.getUTCFullYear() - d.getUTCFullYear();
  if (
    n.getUTCMonth() < d.getUTCMonth() ||
    (n.getUTCMonth() === d.getUTCMonth() && n.getUTCDate() < d.getUTCDate())
  )
    age--;
  return age;
}

/** Why one version refuses the request, or null when it allows it; sets the projection. */
function judge(
  v: CompiledVersion,
  r: ShareRequest,
  out: { fields: string[] },
): { clause: string; why: string; budget?: boolean } | null {
  const name = `agreement ${v.reference} v${v.version}`;
  if (!v.approved)
    return {
      clause: 'approval',
      why: `${name} is not approved by all parties${v.waitingFor.length ? ` (waiting for ${v.waitingFor.join(', ')})` : ''}`,
    };
  if (r.now < v.startsAt)
    return { clause: 'validity', why: `${name} does not start until ${day(v.startsAt)}` };
  if (v.terminatedAt !== null && r.now >= v.terminatedAt)
    return { clause: 'validity', why: `${name} was terminated on ${day(v.terminatedAt)}` };
  if (r.now >= v.endsAt) return { clause: 'validity', why: `${name} expired on ${day(v.endsAt)}` };
  if (v.suspendedAt !== null && r.now >= v.suspendedAt)
    return { clause: 'validity', why: `${name} is suspended` };
  if (v.supersededAt !== null && r.now >= v.supersededAt)
    return { clause: 'validity', why: `${name} has been replaced by a later version` };
  if (!v.operations.has(r.operation))
    return { clause: 'operation', why: `${name} does not allow ${OP_WORDS[r.operation]}` };
  if (!v.purposes.has(r.purpose)) {
    const keys = [...v.purposes.keys()];
    return {
      clause: 'purpose',
      why: `${name} allows purpose${keys.length === 1 ? '' : 's'} ${quoteList(keys)} only`,
    };
  }
  if (r.operation === 'check') {
    const c = r.checkKey ? v.checks.get(r.checkKey) : undefined;
    if (!c || c.from !== r.providerOrgId || c.recordType !== r.recordType)
      return { clause: 'check', why: `${name} has no check '${r.checkKey ?? ''}'` };
    out.fields = [c.field];
  } else {
    const shared = v.flows.get(`${r.providerOrgId}|${r.actor.orgId}|${r.recordType}`);
    if (!shared)
      return {
        clause: 'fields',
        why: `${name} does not share ${r.recordType} records in that direction`,
      };
    const wanted = r.fields ?? [...shared];
    const outside = wanted.filter((f) => !shared.has(f));
    if (outside.length)
      return {
        clause: 'fields',
        why: `${name} does not share field${outside.length === 1 ? '' : 's'} ${quoteList(outside)}`,
      };
    out.fields = [...wanted];
  }
  // Health and other special-category fields need the Caldicott Guardian's approval of the person.
  const special =
    r.operation === 'check'
      ? v.checks.get(r.checkKey ?? '')?.special
        ? out.fields
        : []
      : out.fields.filter((f) =>
          v.special.get(`${r.providerOrgId}|${r.actor.orgId}|${r.recordType}`)?.has(f),
        );
  if (
    v.caldicott &&
    special.length > 0 &&
    r.actor.kind === 'person' &&
    !v.caldicott.has(r.actor.personId ?? '')
  )
    return {
      clause: 'condition',
      why: `${name} needs the Caldicott Guardian’s approval for you to receive ${quoteList(special)}`,
    };
  if (v.underAge) {
    // Without the subject's date of birth the condition cannot be shown to hold.
    const age = r.subject ? ageAt(r.subject[v.underAge.field], r.now) : null;
    if (age === null || age >= v.underAge.age)
      return { clause: 'condition', why: `${name} only covers subjects under ${v.underAge.age}` };
  }
  const limit =
    r.operation === 'lookup'
      ? v.budgets.lookupsPerDay
      : r.operation === 'check'
        ? v.budgets.checksPerDay
        : null;
  if (limit !== null && r.usedToday && r.usedToday(v.agreementId) >= limit) {
    return {
      clause: 'budget',
      why: `the ${r.operation === 'lookup' ? 'look-up' : 'check'} budget of ${name} (${limit} a day) is used up`,
      budget: true,
    };
  }
  return null;
}

/**
 * May the actor's organisation receive this from the provider, for this purpose, now? Combines
 * the actor's own standing (roles, training, second factor) with every agreement between the two.
 */
export function decideShare(index: PolicyIndex, r: ShareRequest): ShareDecision {
  const base = decide(r.actor, PERMISSION[r.operation], { orgId: r.actor.orgId });
  if (!base.allow) {
    const outcome =
      base.outcome === 'not-found'
        ? 'not-found'
        : base.outcome === 'training'
          ? 'training'
          : base.outcome === 'second-factor'
            ? 'second-factor'
            : 'forbidden';
    return {
      allow: false,
      outcome,
      reason: base.reason,
      agreement: null,
      clause: base.rule,
      fields: [],
    };
  }
  if (r.restricted)
    return {
      allow: false,
      outcome: 'forbidden',
      reason:
        'denied: processing of this record is restricted at the data subject’s request (UK GDPR Art. 18)',
      agreement: null,
      clause: 'restriction',
      fields: [],
    };
  const candidates = index.between(r.providerOrgId, r.actor.orgId);
  if (candidates.length === 0)
    return {
      allow: false,
      outcome: 'not-found',
      reason: 'denied: no agreement covers sharing between these organisations',
      agreement: null,
      clause: 'agreement',
      fields: [],
    };
  let closest: { v: CompiledVersion; clause: string; why: string; budget?: boolean } | undefined;
  const rank = (c: string): number =>
    [
      'approval',
      'validity',
      'operation',
      'check',
      'fields',
      'purpose',
      'condition',
      'budget',
    ].indexOf(c);
  for (const v of candidates) {
    const out = { fields: [] as string[] };
    const no = judge(v, r, out);
    const ref = {
      agreementId: v.agreementId,
      versionId: v.versionId,
      reference: v.reference,
      version: v.version,
    };
    if (!no)
      return {
        allow: true,
        outcome: 'allow',
        reason: `allowed: agreement ${v.reference} v${v.version} covers ${r.operation === 'check' ? 'this check' : `${r.recordType} records`} for '${r.purpose}'`,
        agreement: ref,
        clause: 'all',
        fields: out.fields,
      };
    if (!closest || rank(no.clause) > rank(closest.clause)) closest = { v, ...no };
  }
  const c = closest!;
  return {
    allow: false,
    outcome: c.budget ? 'budget' : 'forbidden',
    reason: `denied: ${c.why}`,
    clause: c.clause,
    fields: [],
    agreement: {
      agreementId: c.v.agreementId,
      versionId: c.v.versionId,
      reference: c.v.reference,
      version: c.v.version,
    },
  };
}
