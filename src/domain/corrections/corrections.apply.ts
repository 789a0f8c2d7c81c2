// Applying a correction notice at the recipient: the notice's signature and seal are verified,
// the received copy is found by the transfer's record link, and the change is made to it — a new
// version with the corrected fields, erasure (unless the recipient's legal hold keeps it: then it
// is disputed instead), or restriction — then the notice is acknowledged, in both audit logs and
// on the sender's request timeline. A failure leaves nothing changed.
import { AccordError, assertNoProblems } from '../../errors.ts';
import type { Actor } from '../policy/actor.ts';
import { withAccess } from '../policy/gate.ts';
import type { Gate } from '../policy/gate.ts';
import type { RecordTable } from '../records/records.table.ts';
import { destroyRecords, setRestriction } from '../rights/record-ops.ts';
import { writeVersion } from '../rights/record-version.ts';
import type { RemoteCorrections } from './corrections-remote.ts';
import { auditBoth } from './corrections.deps.ts';
import type { CorrectionsDeps } from './corrections.deps.ts';
import type { CorrectionNoticeTable } from './corrections.table.ts';
import { receivedRecord } from '../exchange/transfer-links.ts';
import { OPEN_STATES, toNotice } from './corrections.view.ts';
import type { CorrectionNotice } from './corrections.view.ts';
import { openNotice } from './notice-seal.ts';
import type { NoticeContents } from './notice-seal.ts';

export const stateError = (state: string): AccordError =>
  new AccordError('CORRECTION_STATE', `The correction notice is ${state}: it cannot be changed.`);

/** The notice for its recipient, the decision recorded (a sender sees nothing here: 404). */
export async function receivedNotice(gate: Gate, id: string): Promise<CorrectionNoticeTable> {
  const n = await gate.tx.db
    .selectFrom('correction_notice')
    .selectAll()
    .where('notice_id', '=', id)
    .executeTakeFirst();
  gate.require(
    'exchange.receive',
    { orgId: n?.recipient_org_id ?? '', ref: `correction:${id}` },
    { purpose: n?.purpose ?? null },
  );
  if (!n || n.recipient_org_id !== gate.actor.orgId) throw new AccordError('NOT_FOUND');
  return n;
}

/** Verifies and opens the notice for its recipient. */
export async function openFor(
  d: CorrectionsDeps,
  gate: Gate,
  n: CorrectionNoticeTable,
): Promise<NoticeContents> {
  if (!(await d.exchangeKeys.holdsAny(gate.tx, n.recipient_org_id)))
    throw new AccordError('TRANSFER_TAMPERED', 'The notice was not made for you.');
  // Signed by this node, or by the partner node that speaks for the sender.
  const signer = (await d.federation.signingKeyFor(gate.tx, n.org_id)) ?? d.keys.publicKey;
  const { header, contents } = await openNotice(
    signer,
    d.exchangeKeys.opener(gate.tx, n.recipient_org_id),
    n.notice_id,
    n.sealed,
    n.signed,
  );
  if (
    header.recipientOrgId !== n.recipient_org_id ||
    header.senderOrgId !== n.org_id ||
    header.transferId !== n.transfer_id ||
    header.line !== n.line ||
    header.kind !== n.kind ||
    JSON.stringify(header.fields) !== n.fields
  )
    throw new AccordError(
      'TRANSFER_TAMPERED',
      'The correction notice does not match its signature.',
    );
  return contents;
}

export async function applyNotice(
  d: CorrectionsDeps,
  actor: Actor,
  id: string,
  remote: RemoteCorrections,
): Promise<CorrectionNotice> {
  return withAccess(d.ctx, actor, async (gate) => {
    const tx = gate.tx;
    const n = await receivedNotice(gate, id);
    const target = `correction:${id}`;
    if (!OPEN_STATES.includes(n.state))
      gate.refuse(stateError(n.state), 'corrections.apply', target, { state: n.state }, n.purpose);
    const contents = await openFor(d, gate, n);
    const from = (await d.orgName(tx, n.org_id)) ?? n.org_id;
    const copyId = await receivedRecord(tx, n.transfer_id, n.line);
    const rec = copyId
      ? await tx.db
          .selectFrom('record')
          .selectAll()
          .where('org_id', '=', actor.orgId)
          .where('record_id', '=', copyId)
          .executeTakeFirst()
      : undefined;
    const at = d.ctx.clock().toISOString();
    let done = 'nothing to change: the record is no longer held';
    if (rec) done = await change(d, gate, n, rec, contents, from, at);
    const moved = await tx.db
      .updateTable('correction_notice')
      .set({
        state: 'acknowledged',
        recipient_record_id: rec?.record_id ?? copyId ?? null,
        closed_by: actor.ref,
        closed_at: at,
        updated_at: at,
      })
      .where('notice_id', '=', id)
      .where('state', 'in', OPEN_STATES)
      .executeTakeFirst();
    if (Number(moved.numUpdatedRows) !== 1)
      gate.refuse(stateError('closed'), 'corrections.apply', target, {}, n.purpose);
    auditBoth(d, tx, n, actor.ref, 'corrections.acknowledged', {
      kind: n.kind,
      fields: JSON.parse(n.fields) as string[],
      record: rec?.record_id ?? null,
      done,
    });
    const by = (await d.orgName(tx, n.recipient_org_id)) ?? n.recipient_org_id;
    // A sender on another node is told there (its node notifies it and updates its timeline).
    if (
      !(await remote.answer(tx, n, {
        state: 'acknowledged',
        reason: null,
        done,
        closedBy: actor.ref,
      }))
    )
      await d.notifications.notify(
        tx,
        n.org_id,
        'correction-acknowledged',
        n.transfer_id,
        `${by} applied your correction to transfer ${n.transfer_id.slice(0, 8)} line ${n.line}: ${done}.`,
      );
    if (n.request_id)
      await d.requestEvent(
        tx,
        n.org_id,
        n.request_id,
        actor.ref,
        'correction-acknowledged',
        `${by} acknowledged the correction notice (transfer ${n.transfer_id.slice(0, 8)} line ${n.line}): ${done}`,
      );
    const row = await tx.db
      .selectFrom('correction_notice')
      .selectAll()
      .where('notice_id', '=', id)
      .executeTakeFirstOrThrow();
    return toNotice(row, actor.orgId, from, contents);
  });
}

/** Makes the change to the recipient's copy; returns what was done, in words. */
async function change(
  d: CorrectionsDeps,
  gate: Gate,
  n: CorrectionNoticeTable,
  rec: RecordTable,
  contents: NoticeContents,
  from: string,
  at: string,
): Promise<string> {
  const tx = gate.tx;
  const orgId = gate.actor.orgId;
  const why = `correction from ${from}: ${contents.reason}`.slice(0, 1000);
  const target = `record:${rec.record_id}`;
  switch (n.kind) {
    case 'rectify': {
      const fields = JSON.parse(n.fields) as string[];
      const transfer = await tx.db
        .selectFrom('transfer')
        .select('fields')
        .where('transfer_id', '=', n.transfer_id)
        .executeTakeFirst();
      const agreed = new Set(transfer ? (JSON.parse(transfer.fields) as string[]) : []);
      const changed = Object.keys(contents.changes);
      if (changed.some((f) => !agreed.has(f) || !fields.includes(f)))
        throw new AccordError(
          'TRANSFER_TAMPERED',
          'The correction changes fields the transfer did not carry.',
        );
      const next: Record<string, unknown> = { ...(await d.records.decrypt(tx, rec)) };
      for (const [k, v] of Object.entries(contents.changes))
        if (v === null) delete next[k];
        else next[k] = v;
      const c = await d.records.check(tx, orgId, rec.asset_id, next);
      assertNoProblems(
        c.problems,
        'The corrected record does not fit your record type: dispute the notice, saying why.',
      );
      const version = await writeVersion(tx, d.keyring, {
        row: rec,
        next,
        ids: c.ids,
        // A received record keeps the retention the agreement set on it.
        retainUntil: rec.retain_until,
        by: gate.actor.ref,
        reason: why,
        at,
      });
      gate.record(
        'records.corrected',
        target,
        { notice: n.notice_id, fields, version },
        'ok',
        n.purpose,
      );
      return `corrected ${fields.join(', ')} (version ${version})`;
    }
    case 'erase': {
      const hold = (await d.holds.held(tx, orgId)).reason(rec);
      if (hold)
        throw new AccordError(
          'CONFLICT',
          `Your copy is under a legal hold (${hold}): dispute the notice, giving that reason.`,
        );
      await destroyRecords(tx, orgId, [rec.record_id], [rec.subject_id]);
      gate.record('records.erased', target, { notice: n.notice_id }, 'ok', n.purpose);
      return 'erased';
    }
    case 'restrict':
      await setRestriction(tx, orgId, [rec.record_id], { at, reason: why });
      gate.record('records.restricted', target, { notice: n.notice_id }, 'ok', n.purpose);
      return 'restricted';
    default:
      await setRestriction(tx, orgId, [rec.record_id], null);
      gate.record('records.unrestricted', target, { notice: n.notice_id }, 'ok', n.purpose);
      return 'restriction lifted';
  }
}
