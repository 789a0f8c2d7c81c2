// UK GDPR Art. 19: when a record is rectified, erased or restricted, every organisation that
// received it by transfer is sent a correction notice, automatically, in the same transaction as
// the change. The copies are found by the transfers' record links (transfer_sent), not by
// matching identifiers; a rectification carries only the corrected fields the agreement let flow
// (projected as the transfer was), so a partner never learns more than it was sent.
import { uuid7 } from '../ids.ts';
import { project } from '../exchange/projection.ts';
import type { Gate } from '../policy/gate.ts';
import type { RecordChange } from '../rights/record-change.ts';
import { ACKNOWLEDGE_DAYS } from './corrections.deps.ts';
import type { CorrectionsDeps } from './corrections.deps.ts';
import type { RemoteCorrections } from './corrections-remote.ts';
import type { CorrectionNoticeTable } from './corrections.table.ts';
import { KIND_LABELS } from './corrections.view.ts';
import { sealNotice } from './notice-seal.ts';

const DAY = 86_400_000;
const CHUNK = 500;

interface Copy {
  transfer_id: string;
  line: number;
  source_record_id: string;
  recipient_org_id: string;
  fields: string;
  agreement_ref: string;
  purpose: string;
}

/** The copies partners hold of the records named: transfers opened and not rejected. */
async function copiesOf(gate: Gate, recordIds: readonly string[]): Promise<Copy[]> {
  const out: Copy[] = [];
  for (let i = 0; i < recordIds.length; i += CHUNK)
    out.push(
      ...(await gate.tx.db
        .selectFrom('transfer_sent')
        .innerJoin('transfer', 'transfer.transfer_id', 'transfer_sent.transfer_id')
        .select([
          'transfer_sent.transfer_id',
          'transfer_sent.line',
          'transfer_sent.source_record_id',
          'transfer.recipient_org_id',
          'transfer.fields',
          'transfer.agreement_ref',
          'transfer.purpose',
        ])
        .where('transfer_sent.org_id', '=', gate.actor.orgId)
        .where('transfer.org_id', '=', gate.actor.orgId)
        .where('transfer_sent.source_record_id', 'in', recordIds.slice(i, i + CHUNK))
        .where('transfer.opened_at', 'is not', null)
        .where('transfer.state', '!=', 'rejected')
        .orderBy('transfer_sent.transfer_id')
        .orderBy('transfer_sent.line')
        .execute()),
    );
  return out;
}

/** Sends the notices a change calls for; returns whom it told, in words, for the timeline. */
export async function propagate(
  d: CorrectionsDeps,
  gate: Gate,
  change: RecordChange,
  remote: RemoteCorrections,
): Promise<string[]> {
  const tx = gate.tx;
  const orgId = gate.actor.orgId;
  const ids = change.kind === 'rectify' ? [change.recordId] : change.recordIds;
  const copies = await copiesOf(gate, ids);
  const told: string[] = [];
  const now = d.ctx.clock();
  const at = now.toISOString();
  for (const c of copies) {
    const agreed = JSON.parse(c.fields) as string[];
    let fields: string[] = [];
    let changes: Record<string, unknown> = {};
    if (change.kind === 'rectify') {
      // Only what the partner was sent: a correction to a field it never had is not its business.
      fields = change.fields.filter((f) => agreed.includes(f));
      if (fields.length === 0) continue;
      changes = project(change.payload, fields);
      // A field corrected to nothing is sent as null, so the partner clears it too.
      for (const f of fields) if (!(f in changes)) changes[f] = null;
    }
    const noticeId = uuid7();
    const { sealed, signed } = await sealNotice(
      d.keys,
      await d.exchangeKeys.current(tx, c.recipient_org_id),
      {
        noticeId,
        senderOrgId: orgId,
        recipientOrgId: c.recipient_org_id,
        transferId: c.transfer_id,
        line: c.line,
        kind: change.kind,
        fields,
        createdAt: at,
      },
      { changes, reason: change.reason },
    );
    const row: CorrectionNoticeTable = {
      notice_id: noticeId,
      org_id: orgId,
      recipient_org_id: c.recipient_org_id,
      transfer_id: c.transfer_id,
      line: c.line,
      source_record_id: c.source_record_id,
      request_id: change.requestId,
      kind: change.kind,
      fields: JSON.stringify(fields),
      agreement_ref: c.agreement_ref,
      purpose: c.purpose,
      sealed,
      signed,
      state: 'sent',
      reason: null,
      due_at: new Date(now.getTime() + ACKNOWLEDGE_DAYS * DAY).toISOString(),
      recipient_record_id: null,
      created_by: gate.actor.ref,
      created_at: at,
      closed_by: null,
      closed_at: null,
      updated_at: at,
    };
    await tx.db.insertInto('correction_notice').values(row).execute();
    // A partner on another node gets it through the outbox, sent if and only if this commits.
    const away = await remote.send(tx, row);
    const details = {
      transfer: c.transfer_id,
      line: c.line,
      record: c.source_record_id,
      kind: change.kind,
      fields,
      request: change.requestId,
    };
    gate.record(
      'corrections.sent',
      `correction:${noticeId}`,
      { side: 'sender', recipient: c.recipient_org_id, ...details },
      'ok',
      c.purpose,
    );
    d.ctx.audit.record(tx, {
      orgId: c.recipient_org_id,
      actor: gate.actor.ref,
      action: 'corrections.received',
      target: `correction:${noticeId}`,
      purpose: c.purpose,
      outcome: 'ok',
      details: {
        side: 'recipient',
        sender: orgId,
        transfer: c.transfer_id,
        line: c.line,
        kind: change.kind,
        fields,
      },
    });
    const from = (await d.orgName(tx, orgId)) ?? orgId;
    const to = (await d.orgName(tx, c.recipient_org_id)) ?? c.recipient_org_id;
    // A partner on another node is told there, when its node stores the notice.
    if (!away)
      await d.notifications.notify(
        tx,
        c.recipient_org_id,
        'correction',
        c.transfer_id,
        `${from} sent a correction (${KIND_LABELS[change.kind]?.toLowerCase()}${fields.length ? `: ${fields.join(', ')}` : ''}) for a record you received in transfer ${c.transfer_id.slice(0, 8)}. Apply or dispute it by ${row.due_at.slice(0, 10)}.`,
      );
    told.push(
      `${to} (${KIND_LABELS[change.kind]?.toLowerCase()}, transfer ${c.transfer_id.slice(0, 8)} line ${c.line})`,
    );
  }
  return told;
}
