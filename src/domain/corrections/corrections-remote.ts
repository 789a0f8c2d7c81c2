// Correction notices to and from organisations on partner nodes (UK GDPR Art. 19 across nodes),
// modelled on transfers (exchange/transfer-remote.ts). The sender's node writes the notice as for
// a local partner and, in the same transaction, queues it to the recipient's node; that node
// verifies the signed header against the sending node's key and stores the notice in its own
// correction_notice table, so the recipient applies or disputes it with the one-node code. The
// outcome travels back and closes the sender's notice with the same audit, notices and request
// timeline as on one node. Both handlers tolerate a notice already stored or already closed.
import { createHash } from 'node:crypto';
import { AccordError } from '../../errors.ts';
import type { Tx } from '../../store/store.ts';
import { verifyJws } from '../exchange/envelope.ts';
import { auditBoth } from './corrections.deps.ts';
import type { CorrectionsDeps } from './corrections.deps.ts';
import type { CorrectionNoticeTable } from './corrections.table.ts';
import { KIND_LABELS, OPEN_STATES } from './corrections.view.ts';
import type { NoticeHeader } from './notice-seal.ts';

/** What travels: the notice without the sender's bookkeeping (its record id, its request). */
export type NoticeMessage = Pick<
  CorrectionNoticeTable,
  | 'notice_id'
  | 'org_id'
  | 'recipient_org_id'
  | 'transfer_id'
  | 'line'
  | 'kind'
  | 'fields'
  | 'agreement_ref'
  | 'purpose'
  | 'sealed'
  | 'signed'
  | 'due_at'
  | 'created_by'
  | 'created_at'
>;

/** The recipient's decision, back to the sender's node. */
export interface AnswerMessage {
  noticeId: string;
  state: 'acknowledged' | 'disputed';
  /** Why it was disputed. */
  reason: string | null;
  /** What the recipient did, in words (acknowledged). */
  done: string | null;
  closedBy: string;
}

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');
const invalid = (): AccordError =>
  new AccordError('VALIDATION_FAILED', 'The correction message is not valid.');

export class RemoteCorrections {
  constructor(private readonly d: CorrectionsDeps) {}

  /** On the sender's node, inside the change: queues the notice to the recipient's node. */
  async send(tx: Tx, row: CorrectionNoticeTable): Promise<boolean> {
    const node = await this.d.federation.nodeOf(tx, row.recipient_org_id);
    if (!node) return false;
    const m: NoticeMessage = {
      notice_id: row.notice_id,
      org_id: row.org_id,
      recipient_org_id: row.recipient_org_id,
      transfer_id: row.transfer_id,
      line: row.line,
      kind: row.kind,
      fields: row.fields,
      agreement_ref: row.agreement_ref,
      purpose: row.purpose,
      sealed: row.sealed,
      signed: row.signed,
      due_at: row.due_at,
      created_by: row.created_by,
      created_at: row.created_at,
    };
    await this.d.federation.send(tx, node, 'correction.notice', m);
    return true;
  }

  /** On the recipient's node: verifies the notice against the sending node's key and stores it. */
  async receive(fromNode: string, m: NoticeMessage): Promise<{ state: string }> {
    if (
      !m ||
      typeof m.notice_id !== 'string' ||
      typeof m.org_id !== 'string' ||
      typeof m.recipient_org_id !== 'string' ||
      typeof m.transfer_id !== 'string' ||
      typeof m.sealed !== 'string' ||
      typeof m.signed !== 'string' ||
      !Number.isInteger(m.line)
    )
      throw invalid();
    try {
      return await this.d.ctx.store.transaction(async (tx) => {
        const existing = await tx.db
          .selectFrom('correction_notice')
          .select(['state', 'org_id'])
          .where('notice_id', '=', m.notice_id)
          .executeTakeFirst();
        if (existing) {
          if (existing.org_id !== m.org_id) throw new AccordError('CONFLICT', 'Notice id in use.');
          return { state: existing.state }; // delivered before: stored once
        }
        if ((await this.d.federation.nodeOf(tx, m.org_id)) !== fromNode)
          throw new AccordError(
            'FORBIDDEN',
            'That node does not speak for the sending organisation.',
          );
        if (
          (await this.d.federation.nodeOf(tx, m.recipient_org_id)) !== undefined ||
          !(await this.d.orgName(tx, m.recipient_org_id))
        )
          throw new AccordError('NOT_FOUND', 'The recipient organisation is not on this node.');
        const t = await tx.db
          .selectFrom('transfer')
          .select(['org_id', 'recipient_org_id'])
          .where('transfer_id', '=', m.transfer_id)
          .executeTakeFirst();
        if (!t || t.org_id !== m.org_id || t.recipient_org_id !== m.recipient_org_id)
          throw new AccordError('NOT_FOUND', 'No such transfer between these organisations.');
        // Checked now so a forged notice never reaches the recipient's inbox.
        const key = await this.d.federation.signingKeyFor(tx, m.org_id);
        if (!key) throw new AccordError('TRANSFER_TAMPERED', 'The notice has no partner signer.');
        const header = await verifyJws<NoticeHeader>(key, m.signed).catch(() => {
          throw new AccordError(
            'TRANSFER_TAMPERED',
            'The correction notice’s signature does not verify.',
          );
        });
        if (
          header.noticeId !== m.notice_id ||
          header.senderOrgId !== m.org_id ||
          header.recipientOrgId !== m.recipient_org_id ||
          header.transferId !== m.transfer_id ||
          header.line !== m.line ||
          header.kind !== m.kind ||
          JSON.stringify(header.fields) !== m.fields ||
          header.digest !== sha256(m.sealed)
        )
          throw new AccordError(
            'TRANSFER_TAMPERED',
            'The correction notice does not match its signature.',
          );
        await this.d.exchangeKeys.refuseIfDestroyed(tx, m.recipient_org_id, m.sealed);
        const at = this.d.ctx.clock().toISOString();
        const row: CorrectionNoticeTable = {
          notice_id: m.notice_id,
          org_id: m.org_id,
          recipient_org_id: m.recipient_org_id,
          transfer_id: m.transfer_id,
          line: m.line,
          // The sender's record and request stay on the sender's node.
          source_record_id: '',
          request_id: null,
          kind: header.kind,
          fields: m.fields,
          agreement_ref: String(m.agreement_ref),
          purpose: String(m.purpose),
          sealed: m.sealed,
          signed: m.signed,
          state: 'sent',
          reason: null,
          due_at: String(m.due_at),
          recipient_record_id: null,
          created_by: String(m.created_by),
          created_at: String(m.created_at),
          closed_by: null,
          closed_at: null,
          updated_at: at,
        };
        await tx.db.insertInto('correction_notice').values(row).execute();
        auditBoth(this.d, tx, row, `node:${fromNode}`, 'corrections.received', {
          via: `node:${fromNode}`,
          transfer: row.transfer_id,
          line: row.line,
          kind: row.kind,
          fields: header.fields,
        });
        const from = (await this.d.orgName(tx, row.org_id)) ?? row.org_id;
        await this.d.notifications.notify(
          tx,
          row.recipient_org_id,
          'correction',
          row.transfer_id,
          `${from} sent a correction (${KIND_LABELS[row.kind]?.toLowerCase()}${header.fields.length ? `: ${header.fields.join(', ')}` : ''}) for a record you received in transfer ${row.transfer_id.slice(0, 8)}. Apply or dispute it by ${row.due_at.slice(0, 10)}.`,
        );
        return { state: 'sent' };
      });
    } catch (e) {
      // A notice that does not verify is refused, and said so in the recipient's own log.
      if (e instanceof AccordError && e.code === 'TRANSFER_TAMPERED')
        await this.d.ctx.audit.recordNow(this.d.ctx.store, {
          orgId: m.recipient_org_id,
          actor: `node:${fromNode}`,
          action: 'corrections.verification-failed',
          target: `correction:${m.notice_id}`,
          purpose: typeof m.purpose === 'string' ? m.purpose : null,
          outcome: 'refused',
          details: { side: 'recipient', via: `node:${fromNode}`, code: e.code, reason: e.message },
        });
      throw e;
    }
  }

  /** On the sender's node: the recipient's node refused the notice (the sender is told why). */
  async undeliverable(
    tx: Tx,
    fromNode: string,
    noticeId: string,
    error: { code: string; message: string },
  ): Promise<void> {
    const n = await tx.db
      .selectFrom('correction_notice')
      .selectAll()
      .where('notice_id', '=', noticeId)
      .executeTakeFirst();
    if (!n) return;
    this.d.ctx.audit.record(tx, {
      orgId: n.org_id,
      actor: `node:${fromNode}`,
      action: 'corrections.undeliverable',
      target: `correction:${noticeId}`,
      purpose: n.purpose,
      outcome: 'refused',
      details: { side: 'sender', code: error.code, reason: error.message },
    });
    await this.d.notifications.notify(
      tx,
      n.org_id,
      'correction-undeliverable',
      n.transfer_id,
      `Your correction to transfer ${n.transfer_id.slice(0, 8)} line ${n.line} could not be delivered to ${(await this.d.orgName(tx, n.recipient_org_id)) ?? n.recipient_org_id}: ${error.message}`,
    );
  }

  /** On the recipient's node, inside the apply or dispute: tells the sender's node. */
  async answer(
    tx: Tx,
    n: CorrectionNoticeTable,
    a: Omit<AnswerMessage, 'noticeId'>,
  ): Promise<boolean> {
    const node = await this.d.federation.nodeOf(tx, n.org_id);
    if (!node) return false;
    const body: AnswerMessage = { noticeId: n.notice_id, ...a };
    await this.d.federation.send(tx, node, 'correction.answered', body);
    return true;
  }

  /** On the sender's node: closes the notice as the partner did, with the one-node audit and notices. */
  async receiveAnswer(fromNode: string, m: AnswerMessage): Promise<{ state: string }> {
    if (
      !m ||
      typeof m.noticeId !== 'string' ||
      (m.state !== 'acknowledged' && m.state !== 'disputed')
    )
      throw invalid();
    return this.d.ctx.store.transaction(async (tx) => {
      const n = await tx.db
        .selectFrom('correction_notice')
        .selectAll()
        .where('notice_id', '=', m.noticeId)
        .executeTakeFirst();
      if (!n || (await this.d.federation.nodeOf(tx, n.recipient_org_id)) !== fromNode)
        throw new AccordError('NOT_FOUND');
      if (n.state === m.state) return { state: n.state }; // already applied
      if (!OPEN_STATES.includes(n.state))
        throw new AccordError('CORRECTION_STATE', `The correction notice is ${n.state}.`);
      const at = this.d.ctx.clock().toISOString();
      const reason = m.state === 'disputed' ? String(m.reason ?? '').slice(0, 1000) : null;
      const done = String(m.done ?? 'applied').slice(0, 500);
      const who = String(m.closedBy ?? '')
        .replace(/[^\w:.@/-]/g, '')
        .slice(0, 80);
      const actor = `node:${fromNode}/${who || 'node'}`;
      await tx.db
        .updateTable('correction_notice')
        .set({ state: m.state, reason, closed_by: actor, closed_at: at, updated_at: at })
        .where('notice_id', '=', n.notice_id)
        .where('state', 'in', OPEN_STATES)
        .execute();
      auditBoth(
        this.d,
        tx,
        n,
        actor,
        `corrections.${m.state}`,
        m.state === 'disputed'
          ? { via: `node:${fromNode}`, reason }
          : {
              via: `node:${fromNode}`,
              kind: n.kind,
              fields: JSON.parse(n.fields) as string[],
              done,
            },
      );
      const by = (await this.d.orgName(tx, n.recipient_org_id)) ?? n.recipient_org_id;
      const where = `transfer ${n.transfer_id.slice(0, 8)} line ${n.line}`;
      const note =
        m.state === 'disputed'
          ? `${by} disputed the correction notice (${where}): ${reason}`
          : `${by} acknowledged the correction notice (${where}): ${done}`;
      await this.d.notifications.notify(
        tx,
        n.org_id,
        `correction-${m.state}`,
        n.transfer_id,
        m.state === 'disputed'
          ? `${by} disputed your correction to ${where}: ${reason}`
          : `${by} applied your correction to ${where}: ${done}.`,
      );
      if (n.request_id)
        await this.d.requestEvent(tx, n.org_id, n.request_id, actor, `correction-${m.state}`, note);
      return { state: m.state };
    });
  }
}
