// Transfers to and from organisations on partner nodes. The sender makes the transfer exactly as
// for a local recipient (projected, sealed to the recipient organisation's key, manifest signed
// by this node); delivering it sends the transfer row, the signed manifest and the sealed chunks
// to the recipient's node, which verifies the manifest against the sending node's key and stores
// it in the recipient's inbox as delivered. Each later change (opened, acknowledged, rejected on
// the recipient's node; recalled on the sender's) travels back so both nodes show the same state.
import { AccordError } from '../../errors.ts';
import type { Tx } from '../../store/store.ts';
import { verifyJws } from './envelope.ts';
import type { Manifest } from './envelope.ts';
import { auditBoth } from './exchange.deps.ts';
import type { ExchangeDeps } from './exchange.deps.ts';
import type { TransferChunkTable, TransferTable } from './exchange.table.ts';
import { STEPS, advance, illegal } from './transfer-states.ts';
import type { Step } from './transfer-states.ts';

const DAY = 86_400_000;

/** What travels: the transfer as the sender holds it, without its per-node bookkeeping. */
export interface TransferMessage {
  transfer: Pick<
    TransferTable,
    | 'transfer_id'
    | 'org_id'
    | 'recipient_org_id'
    | 'agreement_id'
    | 'version_id'
    | 'agreement_ref'
    | 'purpose'
    | 'record_type'
    | 'fields'
    | 'selection'
    | 'record_count'
    | 'chunk_count'
    | 'byte_count'
    | 'manifest'
    | 'manifest_jws'
    | 'created_by'
    | 'created_at'
    | 'ready_at'
  >;
  chunks: Pick<TransferChunkTable, 'chunk_index' | 'record_count' | 'jwe'>[];
}

export interface StateMessage {
  transferId: string;
  step: Step;
  reason: string | null;
}

/** Which side of a transfer makes each step (and so which node may report it). */
const BY_RECIPIENT: readonly Step[] = ['open', 'acknowledge', 'reject'];

export class RemoteTransfers {
  constructor(private readonly d: ExchangeDeps) {}

  /** The message that delivers a made-ready transfer to the recipient's node. */
  async outgoing(tx: Tx, t: TransferTable): Promise<TransferMessage> {
    const chunks = await tx.db
      .selectFrom('transfer_chunk')
      .select(['chunk_index', 'record_count', 'jwe'])
      .where('transfer_id', '=', t.transfer_id)
      .orderBy('chunk_index')
      .execute();
    const { transfer_id, org_id, recipient_org_id, agreement_id, version_id, agreement_ref } = t;
    return {
      transfer: {
        transfer_id,
        org_id,
        recipient_org_id,
        agreement_id,
        version_id,
        agreement_ref,
        purpose: t.purpose,
        record_type: t.record_type,
        fields: t.fields,
        selection: t.selection,
        record_count: t.record_count,
        chunk_count: t.chunk_count,
        byte_count: t.byte_count,
        manifest: t.manifest,
        manifest_jws: t.manifest_jws,
        created_by: t.created_by,
        created_at: t.created_at,
        ready_at: t.ready_at,
      },
      chunks,
    };
  }

  /** On the recipient's node: stores a transfer from a partner as delivered (once). */
  async receive(
    fromNode: string,
    m: TransferMessage,
  ): Promise<{ state: string; expiresAt: string | null }> {
    const t = m?.transfer;
    if (!t || typeof t.transfer_id !== 'string' || !Array.isArray(m.chunks))
      throw new AccordError('VALIDATION_FAILED', 'The transfer message is incomplete.');
    return this.d.ctx.store.transaction(async (tx) => {
      // Who is asking comes first: a node that does not host the sender learns nothing.
      if ((await this.d.federation.nodeOf(tx, t.org_id)) !== fromNode)
        throw new AccordError(
          'FORBIDDEN',
          'That node does not speak for the sending organisation.',
        );
      const existing = await tx.db
        .selectFrom('transfer')
        .select(['state', 'expires_at', 'org_id'])
        .where('transfer_id', '=', t.transfer_id)
        .executeTakeFirst();
      if (existing) {
        if (existing.org_id !== t.org_id) throw new AccordError('CONFLICT', 'Transfer id in use.');
        return { state: existing.state, expiresAt: existing.expires_at };
      }
      if (
        (await this.d.federation.nodeOf(tx, t.recipient_org_id)) !== undefined ||
        !(await this.d.orgName(tx, t.recipient_org_id))
      )
        throw new AccordError('NOT_FOUND', 'The recipient organisation is not on this node.');
      // Checked now so a forged or mismatched transfer never reaches the inbox.
      const key = await this.d.federation.signingKeyFor(tx, t.org_id);
      const manifest = await verifyJws<Manifest>(key!, t.manifest_jws ?? '');
      if (
        manifest.transferId !== t.transfer_id ||
        manifest.senderOrgId !== t.org_id ||
        manifest.recipientOrgId !== t.recipient_org_id ||
        manifest.chunks.length !== m.chunks.length ||
        manifest.recordCount !== t.record_count ||
        manifest.recordType !== t.record_type ||
        manifest.purpose !== t.purpose ||
        manifest.agreement?.agreementId !== t.agreement_id ||
        manifest.agreement?.versionId !== t.version_id ||
        typeof t.fields !== 'string' ||
        JSON.stringify([...manifest.fields].sort()) !==
          JSON.stringify([...(JSON.parse(t.fields) as string[])].sort())
      )
        throw new AccordError(
          'TRANSFER_TAMPERED',
          'The signed manifest does not describe this transfer.',
        );
      const now = this.d.ctx.clock();
      const at = now.toISOString();
      const expires = new Date(
        now.getTime() + this.d.ctx.config.transferExpiryDays * DAY,
      ).toISOString();
      const row: TransferTable = {
        ...t,
        fields: t.fields,
        state: 'delivered',
        recipient_asset_id: null,
        reason: null,
        delivered_at: at,
        expires_at: expires,
        opened_at: null,
        opened_by: null,
        closed_at: null,
        updated_at: at,
      };
      await tx.db.insertInto('transfer').values(row).execute();
      for (const c of m.chunks)
        await tx.db
          .insertInto('transfer_chunk')
          .values({
            transfer_id: t.transfer_id,
            chunk_index: Number(c.chunk_index),
            org_id: t.org_id,
            record_count: Number(c.record_count),
            jwe: String(c.jwe),
          })
          .execute();
      auditBoth(this.d, tx, row, `node:${fromNode}`, 'exchange.transfer.delivered', {
        from: 'ready',
        via: `node:${fromNode}`,
        digest: manifest.digest,
      });
      const from = await this.d.orgName(tx, t.org_id);
      await this.d.notifications.notify(
        tx,
        t.recipient_org_id,
        'arrived',
        t.transfer_id,
        `${from} sent you ${t.record_count} ${t.record_type} record${t.record_count === 1 ? '' : 's'} under ${t.agreement_ref} for ${t.purpose}. Open it by ${expires.slice(0, 10)}.`,
      );
      return { state: 'delivered', expiresAt: expires };
    });
  }

  /** On the sender's node: the recipient's node has it, so it is delivered here too. */
  async delivered(tx: Tx, fromNode: string, transferId: string, answer: unknown): Promise<void> {
    const t = await tx.db
      .selectFrom('transfer')
      .selectAll()
      .where('transfer_id', '=', transferId)
      .executeTakeFirst();
    if (!t) return;
    const at = this.d.ctx.clock().toISOString();
    const expiresAt = (answer as { expiresAt?: unknown })?.expiresAt;
    if (
      !(await advance(
        tx,
        transferId,
        'deliver',
        { delivered_at: at, expires_at: typeof expiresAt === 'string' ? expiresAt : null },
        at,
      ))
    ) {
      // Recalled while it was on its way: the partner's copy is recalled too.
      if (t.state === 'recalled') {
        const body: StateMessage = { transferId, step: 'recall', reason: null };
        await this.d.federation.send(tx, fromNode, 'transfer.state', body);
      }
      return;
    }
    auditBoth(this.d, tx, t, `node:${fromNode}`, 'exchange.transfer.delivered', {
      from: t.state,
      via: `node:${fromNode}`,
    });
  }

  /** On the sender's node: the partner refused the transfer (the sender is told why). */
  async undeliverable(
    tx: Tx,
    fromNode: string,
    transferId: string,
    error: { code: string; message: string },
  ): Promise<void> {
    const t = await tx.db
      .selectFrom('transfer')
      .selectAll()
      .where('transfer_id', '=', transferId)
      .executeTakeFirst();
    if (!t) return;
    this.d.ctx.audit.record(tx, {
      orgId: t.org_id,
      actor: `node:${fromNode}`,
      action: 'exchange.transfer.undeliverable',
      target: `transfer:${transferId}`,
      purpose: t.purpose,
      outcome: 'refused',
      details: { code: error.code, reason: error.message },
    });
    await this.d.notifications.notify(
      tx,
      t.org_id,
      'rejected',
      transferId,
      `Transfer ${transferId.slice(0, 8)} could not be delivered to ${await this.d.orgName(tx, t.recipient_org_id)}: ${error.message} Recall it, correct it and send again.`,
    );
  }

  /** After a change made here: tells the other side's node, when it is a partner's. */
  async report(tx: Tx, t: TransferTable, step: Step, reason: string | null = null): Promise<void> {
    const other = BY_RECIPIENT.includes(step) ? t.org_id : t.recipient_org_id;
    const node = await this.d.federation.nodeOf(tx, other);
    // A recall is agreed with the partner first (recallAtPartner), or follows delivery (delivered).
    if (!node || step === 'recall') return;
    const body: StateMessage = { transferId: t.transfer_id, step, reason };
    await this.d.federation.send(tx, node, 'transfer.state', body);
  }

  /** On the other node: applies a change the partner made, with the same audit and notices. */
  async receiveState(fromNode: string, m: StateMessage): Promise<{ state: string }> {
    // Delivery comes as its own message, and each node expires transfers by its own clock: a
    // partner cannot expire one (say, one already opened here).
    if (
      !m ||
      typeof m.transferId !== 'string' ||
      !(m.step in STEPS) ||
      m.step === 'deliver' ||
      m.step === 'expire'
    )
      throw new AccordError('VALIDATION_FAILED', 'The state message is not valid.');
    return this.d.ctx.store.transaction(async (tx) => {
      const t = await tx.db
        .selectFrom('transfer')
        .selectAll()
        .where('transfer_id', '=', m.transferId)
        .executeTakeFirst();
      if (!t) throw new AccordError('NOT_FOUND');
      const actorOrg = BY_RECIPIENT.includes(m.step) ? t.recipient_org_id : t.org_id;
      if ((await this.d.federation.nodeOf(tx, actorOrg)) !== fromNode)
        throw new AccordError('NOT_FOUND');
      const to = STEPS[m.step].to;
      if (t.state === to) return { state: to }; // already applied
      const at = this.d.ctx.clock().toISOString();
      const reason = typeof m.reason === 'string' ? m.reason.slice(0, 1000) : null;
      const set: Partial<TransferTable> =
        m.step === 'open'
          ? { opened_at: at }
          : { closed_at: at, ...(m.step === 'reject' ? { reason } : {}) };
      if (!(await advance(tx, t.transfer_id, m.step, set, at))) throw illegal(m.step, t.state);
      auditBoth(this.d, tx, t, `node:${fromNode}`, `exchange.transfer.${to}`, {
        from: t.state,
        via: `node:${fromNode}`,
        ...(reason ? { reason } : {}),
      });
      // The sealed copy is no longer needed once opened, rejected or recalled.
      if (m.step !== 'acknowledge')
        await tx.db.deleteFrom('transfer_chunk').where('transfer_id', '=', t.transfer_id).execute();
      const short = t.transfer_id.slice(0, 8);
      if (m.step === 'recall')
        await this.d.notifications.notify(
          tx,
          t.recipient_org_id,
          'recalled',
          t.transfer_id,
          `${await this.d.orgName(tx, t.org_id)} recalled transfer ${short} before it was opened.`,
        );
      else if (m.step !== 'open')
        await this.d.notifications.notify(
          tx,
          t.org_id,
          to,
          t.transfer_id,
          `${await this.d.orgName(tx, t.recipient_org_id)} ${to} transfer ${short}${reason ? `: ${reason}` : '.'}`,
        );
      return { state: to };
    });
  }
}
