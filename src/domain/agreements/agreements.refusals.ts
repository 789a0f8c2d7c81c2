// A proposal from a partner node is checked again here against the real record types of the
// organisations hosted here that provide under it: the proposer drafted it against the catalogue
// this node published, which may since have changed, or been forged. A mismatch refuses the
// proposal (AGREEMENT_TYPES_MISMATCH, told to the proposer's node in the answer), audited in the
// providers' logs; the proposer's node, told, marks the version rejected and audits it there.
import { AccordError } from '../../errors.ts';
import type { Executor, Tx } from '../../store/store.ts';
import type { DomainContext } from '../context.ts';
import type { FieldInfo } from '../records/annotations.ts';
import type { HostOf, SharedRefusal, SharedVersion } from './agreements.federated.ts';
import * as repo from './agreements.repository.ts';
import type { AgreementTerms } from './model.ts';
import { providedMismatches } from './screening.ts';
import { termsOf } from './versions.ts';

export type FieldsOf = (
  ex: Executor,
  orgId: string,
  recordType: string,
) => Promise<FieldInfo[] | undefined>;

/** Refuses terms that misstate what an organisation hosted here provides. */
export async function assertProvidedAsStated(
  tx: Tx,
  hostOf: HostOf,
  fieldsOf: FieldsOf,
  t: AgreementTerms,
): Promise<void> {
  const mine = new Set<string>();
  const fields = new Map<string, FieldInfo[] | undefined>();
  for (const x of [...(t.flows ?? []), ...(t.checks ?? [])]) {
    if ((await hostOf(tx, x.from)) !== undefined) continue;
    mine.add(x.from);
    fields.set(`${x.from}|${x.recordType}`, await fieldsOf(tx, x.from, x.recordType));
  }
  const problems = providedMismatches(
    t,
    (o) => mine.has(o),
    (o, r) => fields.get(`${o}|${r}`),
  );
  if (problems.length)
    throw new AccordError(
      'AGREEMENT_TYPES_MISMATCH',
      `The agreement does not match the record types held here: ${problems.join(' ')}`,
      problems.map((message) => ({ field: 'flows', message })),
    );
}

/** Audits, in each party hosted here, a proposal refused on arrival (after its transaction rolled back). */
export async function auditRefusedHere(
  ctx: DomainContext,
  fromNode: string,
  hostOf: HostOf,
  s: SharedVersion,
  e: AccordError,
): Promise<void> {
  const v = s.version;
  await ctx.store.transaction(async (tx) => {
    for (const p of termsOf(v).parties)
      if ((await hostOf(tx, p.orgId)) === undefined && (await repo.hostedHere(tx, p.orgId)))
        ctx.audit.record(tx, {
          orgId: p.orgId,
          actor: `node:${fromNode}/${v.proposed_by ?? ''}`,
          action: 'agreements.proposal-refused',
          target: `agreement:${v.agreement_id}`,
          outcome: 'refused',
          details: { code: e.code, reason: e.message, version: v.version, via: `node:${fromNode}` },
        });
  });
}

/**
 * On the proposer's node: a partner node refused the proposal, so its parties can never approve
 * it. The version is rejected (a new version can correct it) and the refusal audited. Returns
 * whether the version changed.
 */
export async function refusedByPartner(
  ctx: DomainContext,
  tx: Tx,
  nodeId: string,
  versionId: string,
  error: { code: string; message: string },
): Promise<boolean> {
  const v = await repo.version(tx, versionId);
  if (!v) return false;
  const reject = v.status === 'proposed';
  if (reject)
    await tx.db
      .updateTable('agreement_version')
      .set({ status: 'rejected', updated_at: ctx.clock().toISOString() })
      .where('version_id', '=', versionId)
      .execute();
  ctx.audit.record(tx, {
    orgId: v.org_id,
    actor: `node:${nodeId}`,
    action: 'agreements.proposal-refused',
    target: `agreement:${v.agreement_id}`,
    outcome: 'refused',
    details: {
      code: error.code,
      reason: error.message,
      version: v.version,
      via: `node:${nodeId}`,
      nowRejected: reject,
    },
  });
  return reject;
}

/**
 * On a third party's node: the proposer's node says another party's node refused the proposal,
 * so its parties can never approve it. Only the proposer's node may say so of its proposal, and
 * only of a node hosting a party. The version is rejected here too (if still proposed), and the
 * refusal audited in each party hosted here.
 */
export async function refusedElsewhere(
  ctx: DomainContext,
  tx: Tx,
  fromNode: string,
  hostOf: HostOf,
  s: SharedRefusal,
): Promise<{ nowRejected: boolean }> {
  const v = await repo.version(tx, typeof s?.versionId === 'string' ? s.versionId : '');
  // Not here: this node refused the proposal too, or never had it. Nothing to do.
  if (!v) return { nowRejected: false };
  if ((await hostOf(tx, v.org_id)) !== fromNode)
    throw new AccordError('FORBIDDEN', 'Only the proposing organisation’s node may say that.');
  const parties = termsOf(v).parties.map((p) => p.orgId);
  // One at a time: a transaction's queries share one connection.
  const hosts: (string | undefined)[] = [];
  for (const p of parties) hosts.push(await hostOf(tx, p));
  if (typeof s.node !== 'string' || s.node === fromNode || !hosts.includes(s.node))
    throw new AccordError('VALIDATION_FAILED', 'The refusing node hosts no party to it.');
  const nowRejected = v.status === 'proposed';
  if (nowRejected)
    await tx.db
      .updateTable('agreement_version')
      .set({ status: 'rejected', updated_at: ctx.clock().toISOString() })
      .where('version_id', '=', v.version_id)
      .execute();
  for (const orgId of parties) {
    if (!(await repo.hostedHere(tx, orgId))) continue;
    // Said by the proposer's node: the refusing node is what it names, not who is on record.
    ctx.audit.record(tx, {
      orgId,
      actor: `node:${fromNode}`,
      action: 'agreements.proposal-refused',
      target: `agreement:${v.agreement_id}`,
      outcome: 'refused',
      details: {
        code: String(s.code).slice(0, 64),
        reason: String(s.reason).slice(0, 2000),
        version: v.version,
        via: `node:${s.node}`,
        toldBy: `node:${fromNode}`,
        nowRejected,
      },
    });
  }
  return { nowRejected };
}
