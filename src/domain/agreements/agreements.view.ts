// How an agreement reads: every version with its status at this instant, its approvals and the
// signatures it still waits for, the version in force, and whether its review is due.
import type { Executor } from '../../store/store.ts';
import type { Gate } from '../policy/gate.ts';
import * as repo from './agreements.repository.ts';
import type { AgreementApprovalTable, AgreementVersionTable } from './agreements.table.ts';
import type { AgreementTerms } from './model.ts';
import { effectiveStatus, termsOf, waitingFor } from './versions.ts';
import type { EffectiveStatus } from './versions.ts';

export interface Approval {
  orgId: string;
  personId: string;
  role: string;
  decision: string;
  comment: string | null;
  decidedAt: string;
}

export interface AgreementVersion {
  versionId: string;
  version: number;
  status: EffectiveStatus;
  terms: AgreementTerms;
  digest: string | null;
  proposedBy: string | null;
  proposedAt: string | null;
  approvedAt: string | null;
  approvals: Approval[];
  waitingFor: string[];
  suspendReason: string | null;
  terminatedAt: string | null;
  terminateReason: string | null;
}

export interface Agreement {
  id: string;
  reference: string;
  title: string;
  proposerOrgId: string;
  createdAt: string;
  versions: AgreementVersion[];
  /** The version in force now (active or suspended), if any. */
  inForce: AgreementVersion | null;
  /** The newest version (what is being drafted or approved, or what is in force). */
  latest: AgreementVersion;
  /** In force and its review date has come. */
  reviewDue: boolean;
}

function toVersion(
  v: AgreementVersionTable,
  all: AgreementVersionTable[],
  approvals: AgreementApprovalTable[],
  now: string,
): AgreementVersion {
  return {
    versionId: v.version_id,
    version: v.version,
    status: effectiveStatus(v, all, now),
    terms: termsOf(v),
    digest: v.digest,
    proposedBy: v.proposed_by,
    proposedAt: v.proposed_at,
    approvedAt: v.approved_at,
    approvals: approvals
      .filter((a) => a.version_id === v.version_id)
      .map((a) => ({
        orgId: a.org_id,
        personId: a.person_id,
        role: a.role,
        decision: a.decision,
        comment: a.comment,
        decidedAt: a.decided_at,
      })),
    waitingFor: v.status === 'proposed' ? waitingFor(v, approvals) : [],
    suspendReason: v.suspend_reason,
    terminatedAt: v.terminated_at,
    terminateReason: v.terminate_reason,
  };
}

/** The agreement as it stands at `now` (no access check: callers check first). */
export async function loadAgreement(
  ex: Executor,
  agreementId: string,
  now: Date,
): Promise<Agreement | undefined> {
  const a = await repo.agreement(ex, agreementId);
  if (!a) return undefined;
  const rows = await repo.versionsOf(ex, agreementId);
  const approvals = await repo.approvals(
    ex,
    rows.map((v) => v.version_id),
  );
  const iso = now.toISOString();
  const versions = rows.map((v) => toVersion(v, rows, approvals, iso));
  const inForce = versions.find((v) => v.status === 'active' || v.status === 'suspended') ?? null;
  const latest = versions[versions.length - 1]!;
  const review = (inForce ?? latest).terms.reviewDate;
  return {
    id: a.agreement_id,
    reference: a.reference,
    title: a.title,
    proposerOrgId: a.org_id,
    createdAt: a.created_at,
    versions,
    inForce,
    latest,
    reviewDue: !!inForce && !!review && review <= iso.slice(0, 10),
  };
}

/**
 * The agreement, if the actor's organisation proposed it or is party to a version past draft;
 * otherwise it does not exist for them (404, audited).
 */
export async function visibleAgreement(
  gate: Gate,
  agreementId: string,
  now: Date,
): Promise<Agreement> {
  const a = await loadAgreement(gate.tx, agreementId, now);
  const mine =
    a &&
    (a.proposerOrgId === gate.actor.orgId ||
      a.versions.some(
        (v) => v.status !== 'draft' && v.terms.parties.some((p) => p.orgId === gate.actor.orgId),
      ));
  gate.require('agreements.read', {
    orgId: mine ? gate.actor.orgId : '',
    ref: `agreement:${agreementId}`,
  });
  return a!;
}
