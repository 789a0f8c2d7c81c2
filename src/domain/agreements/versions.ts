// What a version of an agreement is now: its status as stored, plus time (start, end, suspension,
// termination, a later version coming into force). Expiry and termination need no job to run:
// they are computed at the instant.
import type { AgreementApprovalTable, AgreementVersionTable } from './agreements.table.ts';
import type { AgreementTerms } from './model.ts';
import { instantOf } from './model.ts';

export type EffectiveStatus =
  | 'draft'
  | 'proposed'
  | 'rejected'
  | 'withdrawn'
  | 'approved'
  | 'active'
  | 'suspended'
  | 'expired'
  | 'terminated'
  | 'superseded';

export function termsOf(v: AgreementVersionTable): AgreementTerms {
  return JSON.parse(v.body) as AgreementTerms;
}

export function effectiveStatus(
  v: AgreementVersionTable,
  all: AgreementVersionTable[],
  now: string,
): EffectiveStatus {
  if (v.status !== 'approved') return v.status as EffectiveStatus;
  const t = termsOf(v);
  if (v.terminated_at && v.terminated_at <= now) return 'terminated';
  if (instantOf(t.endDate) <= now) return 'expired';
  const later = all
    .filter((x) => x.version > v.version && x.status === 'approved')
    .map((x) => instantOf(termsOf(x).startDate));
  if (later.some((start) => start <= now)) return 'superseded';
  if (instantOf(t.startDate) > now) return 'approved';
  if (v.suspended_at && v.suspended_at <= now) return 'suspended';
  return 'active';
}

/** Which signatures a proposed version still needs: "Northshire Police DPO", … */
export function waitingFor(
  v: AgreementVersionTable,
  approvals: AgreementApprovalTable[],
): string[] {
  const t = termsOf(v);
  const got = new Set(
    approvals
      .filter((a) => a.version_id === v.version_id && a.decision === 'approve')
      .map((a) => `${a.org_id}/${a.role}`),
  );
  return t.parties.flatMap((p) =>
    (['dpo', 'siro'] as const)
      .filter((r) => !got.has(`${p.orgId}/${r}`))
      .map((r) => `${p.orgName} ${r === 'dpo' ? 'DPO' : 'SIRO'}`),
  );
}
