// Making a transfer: the sender picks records, an agreement and a purpose; the decision point
// (the recipient's side of the agreement) says which fields may flow; each record is projected
// onto them and encrypted to the recipient in chunks (at most ACCORD_TRANSFER_CHUNK_RECORDS records
// and about ACCORD_TRANSFER_CHUNK_BYTES bytes each, so every chunk can travel to a partner node as
// a message of its own), streaming, with the manifest describing every chunk. A refusal leaves nothing but its audit entry.
import { AccordError, assertNoProblems } from '../../errors.ts';
import type { Problem } from '../../errors.ts';
import { decideShare } from '../agreements/decide-share.ts';
import { faultPoint } from '../faults.ts';
import { uuid7 } from '../ids.ts';
import type { Actor } from '../policy/actor.ts';
import { withAccess } from '../policy/gate.ts';
import type { Gate } from '../policy/gate.ts';
import { purposeProblems } from '../records/records.service.ts';
import { SEAL_IN_WORKER_FROM } from './seal-pipeline.ts';
import { auditBoth, decisionDetails, onlyAgreement, shareError } from './exchange.deps.ts';
import type { ExchangeDeps } from './exchange.deps.ts';
import type { TransferTable } from './exchange.table.ts';
import { sealDraft } from './transfer-seal.ts';
import type { DraftSource } from './transfer-seal.ts';
import type { Selection } from './record-source.ts';
import type { Transfer, TransferViews } from './transfers.view.ts';

export type { DraftSource, SealItem } from './transfer-seal.ts';

export interface TransferInput {
  recipientOrgId: string;
  agreementId: string;
  purpose: string;
  recordType: string;
  selection: Selection;
}

function inputProblems(i: TransferInput): Problem[] {
  const p = baseProblems(i);
  if (i.selection?.kind === 'asset' && !i.selection.assetId)
    p.push({ field: 'selection', message: 'Choose the asset to send records from' });
  if (i.selection?.kind !== 'asset' && i.selection?.kind !== 'subject')
    p.push({ field: 'selection', message: 'Choose a person or an asset to send records from' });
  return p;
}

/** Picks, projects and seals the records into a draft; refused with nothing stored but the audit entry. */
export async function createTransfer(
  d: ExchangeDeps,
  views: TransferViews,
  actor: Actor,
  input: TransferInput,
): Promise<Transfer> {
  return withAccess(d.ctx, actor, async (gate) => {
    requireSend(gate, input.purpose);
    assertNoProblems(inputProblems(input), 'The transfer is not complete.');
    const sel = input.selection;
    if (sel.kind === 'asset') {
      const asset = await d.assets.row(gate.tx, sel.assetId);
      if (!asset || asset.org_id !== actor.orgId) throw new AccordError('NOT_FOUND');
      if (asset.type_key !== input.recordType)
        assertNoProblems([
          {
            field: 'selection',
            message: `The asset holds ${asset.type_key} records, not ${input.recordType}`,
          },
        ]);
    }
    return draftTransfer(d, views, gate, input, {
      describe:
        sel.kind === 'asset'
          ? `asset:${sel.assetId}${sel.where ? ' (filtered)' : ''}`
          : 'one person, by identifiers',
      pages: (row) => d.source.select(gate.tx, row.org_id, row.record_type, sel),
      sealed: async (row) => {
        if (sel.kind !== 'asset') return undefined;
        if (!(await d.source.holdsAtLeast(gate.tx, sel.assetId, SEAL_IN_WORKER_FROM)))
          return undefined;
        return {
          // Restricted records stay where they are (Art. 18): hexPages leaves them out.
          pages: d.source.hexPages(gate.tx, row.org_id, row.record_type, sel.assetId),
          where: Object.entries(sel.where ?? {}),
          dataKey: (v) => d.keyring.dataKeyVersion(gate.tx, row.org_id, v),
        };
      },
    });
  });
}

export function requireSend(gate: Gate, purpose: string): void {
  gate.require('exchange.send', { orgId: gate.actor.orgId, ref: 'transfer:new' }, { purpose });
}

export function baseProblems(i: Omit<TransferInput, 'selection'>): Problem[] {
  const p = purposeProblems(i.purpose);
  if (!i.recipientOrgId) p.push({ field: 'recipientOrgId', message: 'Choose the recipient' });
  if (!i.agreementId) p.push({ field: 'agreementId', message: 'Choose the agreement' });
  if (!i.recordType) p.push({ field: 'recordType', message: 'Choose the record type' });
  return p;
}

/**
 * Decides the transfer (the recipient's side of the agreement), then stores the draft and seals
 * the source's records into it. Runs inside the caller's withAccess, after requireSend.
 */
export async function draftTransfer(
  d: ExchangeDeps,
  views: TransferViews,
  gate: Gate,
  input: Omit<TransferInput, 'selection'>,
  source: DraftSource,
): Promise<Transfer> {
  const tx = gate.tx;
  const actor = gate.actor;
  if (input.recipientOrgId === actor.orgId || !(await d.orgName(tx, input.recipientOrgId)))
    assertNoProblems([
      { field: 'recipientOrgId', message: 'Choose another organisation to send to' },
    ]);
  // The decision is the recipient's: may it receive these records from us, for this purpose?
  const decision = decideShare(onlyAgreement(await d.sharing.index(tx), input.agreementId), {
    actor: { ...actor, orgId: input.recipientOrgId },
    operation: 'transfer',
    providerOrgId: actor.orgId,
    recordType: input.recordType,
    purpose: input.purpose,
    now: d.ctx.clock().getTime(),
  });
  const target = `${input.recordType}@org:${input.recipientOrgId}`;
  const details = { recipient: input.recipientOrgId, ...decisionDetails(decision) };
  if (!decision.allow)
    gate.refuse(shareError(decision), 'share.transfer', target, details, input.purpose);
  const agreement = decision.agreement!;
  gate.record('share.transfer', target, details, 'allow', input.purpose);

  const id = uuid7();
  const at = d.ctx.clock().toISOString();
  const row: TransferTable = {
    transfer_id: id,
    org_id: actor.orgId,
    recipient_org_id: input.recipientOrgId,
    agreement_id: agreement.agreementId,
    version_id: agreement.versionId,
    agreement_ref: agreement.reference,
    purpose: input.purpose,
    record_type: input.recordType,
    fields: JSON.stringify(decision.fields),
    selection: source.describe,
    state: 'draft',
    record_count: 0,
    chunk_count: 0,
    byte_count: 0,
    manifest: '{}',
    manifest_jws: null,
    recipient_asset_id: null,
    reason: null,
    created_by: actor.ref,
    created_at: at,
    ready_at: null,
    delivered_at: null,
    expires_at: null,
    opened_at: null,
    opened_by: null,
    closed_at: null,
    chunks_held: null,
    updated_at: at,
  };
  await tx.db.insertInto('transfer').values(row).execute();
  const manifest = await sealDraft(d, gate, row, decision.fields, source, agreement);
  row.record_count = manifest.recordCount;
  row.chunk_count = manifest.chunks.length;
  row.manifest = JSON.stringify(manifest);
  await tx.db
    .updateTable('transfer')
    .set({
      record_count: row.record_count,
      chunk_count: row.chunk_count,
      byte_count: row.byte_count,
      manifest: row.manifest,
    })
    .where('transfer_id', '=', id)
    .execute();
  auditBoth(d, tx, row, actor.ref, 'exchange.transfer.drafted', {
    records: row.record_count,
    fields: decision.fields,
    agreement,
    ...source.audit?.(),
  });
  faultPoint('transfer.create.end');
  return views.toView(tx, row, actor.orgId);
}
