// Making a transfer: the sender picks records, an agreement and a purpose; the decision point
// (the recipient's side of the agreement) says which fields may flow; each record is projected
// onto them and encrypted to the recipient in chunks (at most ACCORD_TRANSFER_CHUNK_RECORDS records
// and about ACCORD_TRANSFER_CHUNK_BYTES bytes each, so every chunk can travel to a partner node as
// a message of its own), streaming, with the manifest describing every chunk. A refusal leaves nothing but its audit entry.
import { AccordError, assertNoProblems } from '../../errors.ts';
import type { Problem } from '../../errors.ts';
import { decideShare } from '../agreements/decide-share.ts';
import { canonical } from '../agreements/model.ts';
import { faultPoint } from '../faults.ts';
import { uuid7 } from '../ids.ts';
import type { Actor } from '../policy/actor.ts';
import { withAccess } from '../policy/gate.ts';
import type { Gate } from '../policy/gate.ts';
import { purposeProblems } from '../records/records.service.ts';
import { chunkDigest, digestTexts, encryptChunk, sealedDigest, wholeDigest } from './envelope.ts';
import type { Manifest } from './envelope.ts';
import { auditBoth, decisionDetails, onlyAgreement, shareError } from './exchange.deps.ts';
import type { ExchangeDeps } from './exchange.deps.ts';
import type { TransferTable } from './exchange.table.ts';
import { project } from './record-source.ts';
import { sealFlags } from './transfer-accuracy.ts';
import type { TravellingFlag } from './transfer-accuracy.ts';
import { linkSent } from './transfer-links.ts';
import type { Selection } from './record-source.ts';
import type { Transfer, TransferViews } from './transfers.view.ts';

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
    });
  });
}

/** The records a draft carries: the sender's own (with their ids), or rows of a file (without). */
export interface SealItem {
  recordId?: string;
  payload: Record<string, unknown>;
}

export interface DraftSource {
  /** How the records were picked, as both sides see it ("Picked from"). */
  describe: string;
  /** The records, page by page; read only after the decision allowed the transfer. */
  pages(row: TransferTable): AsyncIterable<SealItem[]>;
  /** More for the "drafted" audit entry, once every page was read (never personal data). */
  audit?(): Record<string, unknown>;
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
  const manifest = await seal(d, gate, row, decision.fields, source.pages(row), agreement);
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

/** Streams the records into encrypted chunks; returns the manifest (unsigned until ready). */
async function seal(
  d: ExchangeDeps,
  gate: Gate,
  row: TransferTable,
  fields: string[],
  pages: AsyncIterable<SealItem[]>,
  agreement: Manifest['agreement'],
): Promise<Manifest> {
  const tx = gate.tx;
  // Always the current key (read afresh): a rotation since the last transfer is honoured at once.
  const recipientKey = await d.exchangeKeys.current(tx, row.recipient_org_id);
  const { transferMaxRecords: max, transferChunkRecords, transferChunkBytes } = d.ctx.config;
  const chunks: Manifest['chunks'] = [];
  let pending: Record<string, unknown>[] = [];
  // Each pending record's canonical text: hashed together when the chunk is sealed.
  let texts: string[] = [];
  let bytes = 0;
  const flags: TravellingFlag[] = [];
  const accuracy = d.accuracy && (await d.accuracy.any(tx, row.org_id)) ? d.accuracy : undefined;
  // To a partner node each chunk is a message of its own, which must fit the partner's limit
  // (wrapped twice more in base64 on the way: about 1.8 times the sealed text).
  const travelMax = (await d.federation.nodeOf(tx, row.recipient_org_id))
    ? Math.floor(d.ctx.config.federationMaxBytes / 4)
    : Infinity;
  let count = 0;
  const flush = async (): Promise<void> => {
    if (!pending.length) return;
    const index = chunks.length;
    const jwe = await encryptChunk(recipientKey, row.transfer_id, index, pending);
    await tx.db
      .insertInto('transfer_chunk')
      .values({
        transfer_id: row.transfer_id,
        chunk_index: index,
        org_id: row.org_id,
        record_count: pending.length,
        jwe,
      })
      .execute();
    if (jwe.length > travelMax)
      gate.refuse(
        new AccordError(
          'TRANSFER_TOO_LARGE',
          `Chunk ${index + 1} is too large to travel to the partner node: a record in it is too large.`,
        ),
        'exchange.transfer.refused',
        `transfer:${row.transfer_id}`,
        { recipient: row.recipient_org_id, chunkBytes: jwe.length },
        row.purpose,
      );
    chunks.push({
      index,
      count: pending.length,
      digest: chunkDigest(digestTexts(texts)),
      sealed: sealedDigest(jwe),
    });
    row.byte_count += jwe.length;
    pending = [];
    texts = [];
    bytes = 0;
    faultPoint('transfer.create.chunk');
  };
  for await (const page of pages) {
    count += page.length;
    if (count > max)
      gate.refuse(
        new AccordError(
          'TRANSFER_TOO_LARGE',
          `A transfer may carry at most ${max.toLocaleString('en-GB')} records; this one has more. Split it by a narrower query.`,
        ),
        'exchange.transfer.refused',
        `transfer:${row.transfer_id}`,
        { recipient: row.recipient_org_id, limit: max },
        row.purpose,
      );
    // Each line remembers its source record (for Art. 19 corrections) and its accuracy flag.
    // Rows of an uploaded file have no record here to remember (see transfer-upload.ts).
    const line = count - page.length;
    const recordIds = page.flatMap((r) => (r.recordId ? [r.recordId] : []));
    if (recordIds.length === page.length) {
      await linkSent(tx, row.transfer_id, row.org_id, line, recordIds);
      const flagged = await accuracy?.flagsFor(tx, row.org_id, recordIds);
      page.forEach((r, i) => {
        const f = flagged?.get(r.recordId!);
        if (f) flags.push({ line: line + i + 1, flag: f.flag, note: f.note });
      });
    }
    for (const r of page) {
      const projected = project(r.payload, fields);
      const text = canonical(projected);
      // A record that would take the chunk past its size starts the next one.
      if (pending.length && bytes + text.length > transferChunkBytes) await flush();
      pending.push(projected);
      texts.push(text);
      bytes += text.length;
      if (pending.length >= transferChunkRecords) await flush();
    }
  }
  await flush();
  if (count === 0)
    assertNoProblems([
      { field: 'selection', message: 'No records match: there is nothing to send' },
    ]);
  return {
    transferId: row.transfer_id,
    senderOrgId: row.org_id,
    recipientOrgId: row.recipient_org_id,
    agreement,
    purpose: row.purpose,
    recordType: row.record_type,
    fields,
    recordCount: count,
    chunks,
    digest: wholeDigest(chunks.map((c) => c.digest)),
    createdAt: row.created_at,
    ...(flags.length ? { accuracy: await sealFlags(recipientKey, row.transfer_id, flags) } : {}),
  };
}
