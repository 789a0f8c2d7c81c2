// Agreements whose parties are on different nodes. The proposing node sends the proposed version
// (its terms, digest and parties) to each partner node hosting a party; that node stores the same
// agreement and version, so both hold the same terms. Each party's DPO and SIRO approve on their
// own node, and their decisions travel to the other nodes, which record them and compute the same
// status. A node accepts a proposal only from the node hosting the proposer, and a decision only
// for the organisations the sending node hosts.
import { AccordError } from '../../errors.ts';
import type { Tx } from '../../store/store.ts';
import type { DomainContext } from '../context.ts';
import { assertProvidedAsStated } from './agreements.refusals.ts';
import type { FieldsOf } from './agreements.refusals.ts';
import * as repo from './agreements.repository.ts';
import type {
  AgreementApprovalTable,
  AgreementTable,
  AgreementVersionTable,
} from './agreements.table.ts';
import { digestOf } from './model.ts';
import { termsOf, waitingFor } from './versions.ts';

export interface SharedVersion {
  agreement: AgreementTable;
  version: AgreementVersionTable;
  parties: string[];
}

export interface SharedDecision {
  versionId: string;
  approvals: AgreementApprovalTable[];
}

/** Which node hosts an organisation: undefined for this node. */
export type HostOf = (tx: Tx, orgId: string) => Promise<string | undefined>;

/** What changed, for the federation module to tell partner nodes (in the same transaction). */
interface ShareEventBase {
  versionId: string;
  parties: string[];
}
export type ShareEvent =
  | (ShareEventBase & { kind: 'proposed' })
  | (ShareEventBase & { kind: 'decided' })
  /** `action`: what was done (suspended, resumed or terminated). */
  | (ShareEventBase & { kind: 'controlled'; action: string })
  /** A partner node refused the proposal (this node proposed it): the other nodes are told. */
  | (ShareEventBase & { kind: 'refused'; refusal: SharedRefusal });

/** A proposal refused by a party's node, as the proposer's node tells the other parties' nodes. */
export interface SharedRefusal {
  versionId: string;
  /** The node that refused it. */
  node: string;
  code: string;
  reason: string;
}

/** A suspension, resumption or termination, as it stands on the node where it was made. */
export interface SharedControl {
  versionId: string;
  action: string;
  set: Pick<
    AgreementVersionTable,
    | 'suspended_at'
    | 'suspended_by'
    | 'suspend_reason'
    | 'terminated_at'
    | 'terminated_by'
    | 'terminate_reason'
  >;
}

/**
 * A suspension, resumption or termination as it stands here, with the action taken (the state
 * alone cannot say: a suspension may be made while a termination is set for later).
 */
export async function exportControl(
  tx: Tx,
  versionId: string,
  action: string,
): Promise<SharedControl> {
  const v = (await repo.version(tx, versionId))!;
  const { suspended_at, suspended_by, suspend_reason } = v;
  const { terminated_at, terminated_by, terminate_reason } = v;
  return {
    versionId,
    action,
    set: {
      suspended_at,
      suspended_by,
      suspend_reason,
      terminated_at,
      terminated_by,
      terminate_reason,
    },
  };
}

export async function exportProposal(tx: Tx, versionId: string): Promise<SharedVersion> {
  const version = (await repo.version(tx, versionId))!;
  const agreement = (await repo.agreement(tx, version.agreement_id))!;
  return { agreement, version, parties: termsOf(version).parties.map((p) => p.orgId) };
}

/** The decisions of the organisations hosted here, for a version. */
export async function exportDecision(
  tx: Tx,
  versionId: string,
  hostOf: HostOf,
): Promise<SharedDecision> {
  const all = await repo.approvals(tx, [versionId]);
  const mine: AgreementApprovalTable[] = [];
  for (const a of all) if ((await hostOf(tx, a.org_id)) === undefined) mine.push(a);
  return { versionId, approvals: mine };
}

export async function importProposal(
  ctx: DomainContext,
  tx: Tx,
  fromNode: string,
  hostOf: HostOf,
  s: SharedVersion,
  fieldsOf: FieldsOf,
): Promise<{ reference: string }> {
  const v = s?.version;
  if (!v || !s.agreement || v.status !== 'proposed' || v.agreement_id !== s.agreement.agreement_id)
    throw new AccordError('VALIDATION_FAILED', 'The proposal is incomplete.');
  if (
    (await hostOf(tx, s.agreement.org_id)) !== fromNode ||
    (await hostOf(tx, v.org_id)) !== fromNode
  )
    throw new AccordError('FORBIDDEN', 'That node does not host the proposing organisation.');
  const terms = termsOf(v);
  if (digestOf(terms) !== v.digest)
    throw new AccordError('VALIDATION_FAILED', 'The terms do not match their digest.');
  const parties = terms.parties.map((p) => p.orgId);
  const local = [];
  for (const p of terms.parties) {
    if ((await hostOf(tx, p.orgId)) !== undefined) continue;
    // Neither here nor on a partner this node trusts (a party on a third node it has not met):
    // its decisions could never be checked here, and it must not be taken for one of ours.
    if (!(await repo.hostedHere(tx, p.orgId)))
      throw new AccordError(
        'AGREEMENT_PARTY_UNKNOWN',
        `${p.orgName} is on a node this node does not trust: its administrators must trust that node first.`,
      );
    local.push(p.orgId);
  }
  if (local.length === 0) throw new AccordError('NOT_FOUND', 'No party is on this node.');
  // Never trust the catalogue the proposer used: what is provided from here is checked here.
  await assertProvidedAsStated(tx, hostOf, fieldsOf, terms);
  const existing = await repo.version(tx, v.version_id);
  if (existing) return { reference: (await repo.agreement(tx, v.agreement_id))!.reference };
  let reference = s.agreement.reference;
  const known = await repo.agreement(tx, v.agreement_id);
  if (!known) {
    if (await repo.agreementIdByReference(tx, reference))
      reference = `${reference}-${fromNode.slice(0, 6).toUpperCase()}`;
    await tx.db
      .insertInto('agreement')
      .values({ ...s.agreement, reference })
      .execute();
  } else {
    // A new version of a known agreement comes only from the node hosting its owner (the stored
    // owner, not the one the message names). The owner's node is the authority on its versions:
    // one still waiting here was withdrawn there (withdrawals do not travel), so it is here too.
    if ((await hostOf(tx, known.org_id)) !== fromNode || known.org_id !== s.agreement.org_id)
      throw new AccordError('FORBIDDEN', 'That node does not host the agreement’s owner.');
    await tx.db
      .updateTable('agreement_version')
      .set({ status: 'withdrawn', updated_at: ctx.clock().toISOString() })
      .where('agreement_id', '=', known.agreement_id)
      .where('status', '=', 'proposed')
      .execute();
    reference = known.reference;
  }
  await tx.db
    .insertInto('agreement_version')
    .values({ ...v, updated_at: ctx.clock().toISOString() })
    .execute();
  for (const orgId of parties)
    await tx.db
      .insertInto('agreement_party')
      .values({ version_id: v.version_id, org_id: orgId })
      .execute();
  for (const orgId of local)
    ctx.audit.record(tx, {
      orgId,
      actor: `node:${fromNode}/${v.proposed_by ?? ''}`,
      action: 'agreements.proposed',
      target: `agreement:${v.agreement_id}`,
      outcome: 'ok',
      details: { version: v.version, digest: v.digest, reference, via: `node:${fromNode}` },
    });
  return { reference };
}

export async function importDecision(
  ctx: DomainContext,
  tx: Tx,
  fromNode: string,
  hostOf: HostOf,
  s: SharedDecision,
): Promise<{ status: string }> {
  const v = await repo.version(tx, s?.versionId ?? '');
  if (!v || !Array.isArray(s.approvals)) throw new AccordError('NOT_FOUND');
  const parties = new Set(termsOf(v).parties.map((p) => p.orgId));
  const existing = await repo.approvals(tx, [v.version_id]);
  const added: AgreementApprovalTable[] = [];
  for (const a of s.approvals) {
    if (!parties.has(a.org_id) || (await hostOf(tx, a.org_id)) !== fromNode)
      throw new AccordError('FORBIDDEN', 'That node does not host the approving organisation.');
    if (a.version_id !== v.version_id || !['dpo', 'siro'].includes(a.role)) continue;
    if (!['approve', 'reject'].includes(a.decision)) continue;
    if (existing.some((e) => e.org_id === a.org_id && e.role === a.role)) continue;
    const row = {
      approval_id: String(a.approval_id),
      version_id: v.version_id,
      org_id: a.org_id,
      person_id: String(a.person_id),
      role: a.role,
      decision: a.decision,
      comment: a.comment ? String(a.comment).slice(0, 2000) : null,
      decided_at: String(a.decided_at),
    };
    await tx.db.insertInto('agreement_approval').values(row).execute();
    added.push(row);
  }
  if (added.length === 0 || v.status !== 'proposed') return { status: v.status };
  const all = await repo.approvals(tx, [v.version_id]);
  const at = ctx.clock().toISOString();
  const status = all.some((a) => a.decision === 'reject')
    ? 'rejected'
    : waitingFor(v, all).length === 0
      ? 'approved'
      : v.status;
  if (status !== v.status)
    await tx.db
      .updateTable('agreement_version')
      .set({ status, approved_at: status === 'approved' ? at : null, updated_at: at })
      .where('version_id', '=', v.version_id)
      .execute();
  for (const orgId of parties)
    if ((await hostOf(tx, orgId)) === undefined)
      ctx.audit.record(tx, {
        orgId,
        actor: `node:${fromNode}`,
        action: added.some((a) => a.decision === 'reject')
          ? 'agreements.rejected'
          : 'agreements.approved',
        target: `agreement:${v.agreement_id}`,
        outcome: 'ok',
        details: {
          version: v.version,
          by: added.map((a) => ({ orgId: a.org_id, role: a.role, decision: a.decision })),
          nowFullyApproved: status === 'approved',
          via: `node:${fromNode}`,
        },
      });
  return { status };
}

/** A version's reference and number, and its parties hosted on this node (to tell them news). */
export async function partiesHere(
  tx: Tx,
  versionId: string,
): Promise<{ reference: string; version: number; orgIds: string[] } | undefined> {
  const v = await repo.version(tx, versionId);
  const a = v && (await repo.agreement(tx, v.agreement_id));
  if (!v || !a) return undefined;
  const orgIds: string[] = [];
  for (const p of termsOf(v).parties) if (await repo.hostedHere(tx, p.orgId)) orgIds.push(p.orgId);
  return { reference: a.reference, version: v.version, orgIds };
}
