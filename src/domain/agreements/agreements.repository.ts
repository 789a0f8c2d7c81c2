// SQL for agreements, versions, parties, approvals and purposes.
import { randomUUID } from 'node:crypto';
import type { Executor } from '../../store/store.ts';
import type {
  AgreementApprovalTable,
  AgreementTable,
  AgreementVersionTable,
  PurposeTable,
} from './agreements.table.ts';
import type { AgreementTerms } from './model.ts';

export async function agreement(
  ex: Executor,
  agreementId: string,
): Promise<AgreementTable | undefined> {
  return ex.db
    .selectFrom('agreement')
    .selectAll()
    .where('agreement_id', '=', agreementId)
    .executeTakeFirst();
}

export async function version(
  ex: Executor,
  versionId: string,
): Promise<AgreementVersionTable | undefined> {
  return ex.db
    .selectFrom('agreement_version')
    .selectAll()
    .where('version_id', '=', versionId)
    .executeTakeFirst();
}

export async function versionsOf(
  ex: Executor,
  agreementId: string,
): Promise<AgreementVersionTable[]> {
  return ex.db
    .selectFrom('agreement_version')
    .selectAll()
    .where('agreement_id', '=', agreementId)
    .orderBy('version')
    .execute();
}

/** Agreements an organisation proposed or is party to. */
export async function agreementIdsFor(ex: Executor, orgId: string): Promise<string[]> {
  const own = await ex.db
    .selectFrom('agreement')
    .select('agreement_id')
    .where('org_id', '=', orgId)
    .execute();
  const party = await ex.db
    .selectFrom('agreement_party')
    .innerJoin('agreement_version', 'agreement_version.version_id', 'agreement_party.version_id')
    .select('agreement_version.agreement_id')
    .where('agreement_party.org_id', '=', orgId)
    .execute();
  return [...new Set([...own, ...party].map((r) => r.agreement_id))];
}

export async function isParty(ex: Executor, versionId: string, orgId: string): Promise<boolean> {
  return (
    (await ex.db
      .selectFrom('agreement_party')
      .select('org_id')
      .where('version_id', '=', versionId)
      .where('org_id', '=', orgId)
      .executeTakeFirst()) !== undefined
  );
}

export async function approvals(
  ex: Executor,
  versionIds: string[],
): Promise<AgreementApprovalTable[]> {
  if (versionIds.length === 0) return [];
  return ex.db
    .selectFrom('agreement_approval')
    .selectAll()
    .where('version_id', 'in', versionIds)
    .orderBy('decided_at')
    .execute();
}

/** Versions the policy index is built from: proposed or approved, with their agreement reference. */
export async function policyVersions(
  ex: Executor,
): Promise<(AgreementVersionTable & { reference: string })[]> {
  return ex.db
    .selectFrom('agreement_version')
    .innerJoin('agreement', 'agreement.agreement_id', 'agreement_version.agreement_id')
    .selectAll('agreement_version')
    .select('agreement.reference')
    .where('agreement_version.status', 'in', ['proposed', 'approved'])
    .execute();
}

export async function nextReference(ex: Executor): Promise<string> {
  const rows = await ex.db.selectFrom('agreement').select('reference').execute();
  const max = rows.reduce(
    (m, r) => Math.max(m, Number(/^DSA-(\d+)$/.exec(r.reference)?.[1] ?? 0)),
    0,
  );
  return `DSA-${max + 1}`;
}

export async function purposes(ex: Executor, orgId: string): Promise<PurposeTable[]> {
  return ex.db
    .selectFrom('purpose')
    .selectAll()
    .where('org_id', '=', orgId)
    .orderBy('label')
    .execute();
}

export async function agreementIdByReference(
  ex: Executor,
  reference: string,
): Promise<string | undefined> {
  return (
    await ex.db
      .selectFrom('agreement')
      .select('agreement_id')
      .where('reference', '=', reference)
      .executeTakeFirst()
  )?.agreement_id;
}

/** A new draft version with the given terms. */
export async function insertVersion(
  ex: Executor,
  v: { agreementId: string; orgId: string; version: number; terms: AgreementTerms; at: string },
): Promise<string> {
  const versionId = randomUUID();
  await ex.db
    .insertInto('agreement_version')
    .values({
      version_id: versionId,
      agreement_id: v.agreementId,
      org_id: v.orgId,
      version: v.version,
      status: 'draft',
      body: JSON.stringify(v.terms),
      digest: null,
      starts_at: null,
      ends_at: null,
      review_on: null,
      proposed_by: null,
      proposed_at: null,
      approved_at: null,
      suspended_at: null,
      suspended_by: null,
      suspend_reason: null,
      terminated_at: null,
      terminated_by: null,
      terminate_reason: null,
      updated_at: v.at,
    })
    .execute();
  return versionId;
}

/**
 * Whether an organisation is hosted on this node: one of its own, not a partner's learnt from a
 * directory (those are listed in federation_org too).
 */
export async function hostedHere(ex: Executor, orgId: string): Promise<boolean> {
  const r = await ex.db
    .selectFrom('organisation')
    .leftJoin('federation_org', 'federation_org.org_id', 'organisation.org_id')
    .select(['organisation.org_id', 'federation_org.org_id as remote'])
    .where('organisation.org_id', '=', orgId)
    .executeTakeFirst();
  return r !== undefined && r.remote === null;
}
