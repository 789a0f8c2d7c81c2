// Transfers to and from organisations on partner nodes. The sender makes the transfer exactly as
// for a local recipient (projected, sealed to the recipient organisation's key, manifest signed
// by this node). Delivering it sends an offer (the transfer and its signed manifest, no records);
// the recipient's node verifies and stages it and answers with the chunks it already holds, and
// the outbox then sends each missing sealed chunk as a message of its own (the outbox reads the
// chunk when it sends it). The last chunk makes it delivered there, and here when the answer
// comes back. An interrupted delivery resumes from the chunks the partner does not hold: the
// outbox retries each chunk by itself, and sending again offers it anew. Each later change
// (opened, acknowledged, rejected on the recipient's node; recalled on the sender's) travels back
// so both nodes show the same state.
import { AccordError } from '../../errors.ts';
import type { Executor, Tx } from '../../store/store.ts';
import { auditBoth } from './exchange.deps.ts';
import type { ExchangeDeps } from './exchange.deps.ts';
import type { TransferTable } from './exchange.table.ts';
import { InboundTransfers } from './transfer-inbound.ts';
import { actedAt, deliveredAfterAll, lateNews, stateRefused } from './transfer-late-news.ts';
import type { Arrival, ChunkMessage, OfferMessage, StateMessage } from './transfer-messages.ts';
import { STEPS, advance, illegal } from './transfer-states.ts';
import type { Step } from './transfer-states.ts';

export type {
  Arrival,
  ChunkMessage,
  OfferMessage,
  StateMessage,
  TransferHeader,
} from './transfer-messages.ts';

/** Which side of a transfer makes each step (and so which node may report it). */
const BY_RECIPIENT: readonly Step[] = ['open', 'acknowledge', 'reject'];

export class RemoteTransfers {
  /** The recipient's side: offers and chunks arriving from partner nodes. */
  readonly inbound: InboundTransfers;

  constructor(private readonly d: ExchangeDeps) {
    this.inbound = new InboundTransfers(d);
  }

  /** The offer that starts (or resumes) delivering a made-ready transfer to the partner's node. */
  offer(t: TransferTable): OfferMessage {
    return {
      transfer: {
        transfer_id: t.transfer_id,
        org_id: t.org_id,
        recipient_org_id: t.recipient_org_id,
        agreement_id: t.agreement_id,
        version_id: t.version_id,
        agreement_ref: t.agreement_ref,
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
    };
  }

  /** An offer still worth sending: the transfer is still waiting to be delivered. */
  async offerToSend(ex: Executor, m: OfferMessage): Promise<OfferMessage | undefined> {
    return (await this.stateOf(ex, m.transfer.transfer_id)) === 'ready' ? m : undefined;
  }

  /** A chunk message as it is sent: the sealed chunk read now (none once no longer needed). */
  async chunkToSend(ex: Executor, m: ChunkMessage): Promise<ChunkMessage | undefined> {
    if ((await this.stateOf(ex, m.transferId)) !== 'ready') return undefined;
    const c = await ex.db
      .selectFrom('transfer_chunk')
      .select('jwe')
      .where('transfer_id', '=', m.transferId)
      .where('chunk_index', '=', m.index)
      .executeTakeFirst();
    return c ? { transferId: m.transferId, index: m.index, jwe: c.jwe } : undefined;
  }

  /**
   * On the sender's node: the partner answered an offer or a chunk. Staged, after an offer: each
   * chunk it does not hold is queued (once: not again while one is waiting in the outbox).
   * Complete: the transfer is delivered here too.
   */
  async arrived(tx: Tx, fromNode: string, transferId: string, a: Arrival): Promise<void> {
    if (a?.state !== 'staged') return this.delivered(tx, fromNode, transferId, a);
    const t = await tx.db
      .selectFrom('transfer')
      .select(['state', 'chunk_count'])
      .where('transfer_id', '=', transferId)
      .executeTakeFirst();
    if (t?.state !== 'ready') return;
    await this.progress(tx, transferId, a);
    if (!Array.isArray(a.have)) return;
    const have = new Set(a.have);
    for (let index = 0; index < t.chunk_count; index++)
      if (!have.has(index)) {
        const body: ChunkMessage = { transferId, index };
        await this.d.federation.send(tx, fromNode, 'transfer.chunk', body, { once: true });
      }
  }

  /**
   * What the partner holds so far. An offer's answer lists the chunks held (the count may go down
   * if the partner dropped what it staged); a chunk's answer gives the count, and answers to
   * chunks sent one after another never lower it.
   */
  private async progress(tx: Tx, transferId: string, a: Arrival): Promise<void> {
    const q = tx.db.updateTable('transfer').where('transfer_id', '=', transferId);
    if (Array.isArray(a.have)) await q.set({ chunks_held: a.have.length }).execute();
    else if (typeof a.held === 'number')
      await q
        .set({ chunks_held: a.held })
        .where((eb) => eb.or([eb('chunks_held', 'is', null), eb('chunks_held', '<', a.held!)]))
        .execute();
  }

  private async stateOf(ex: Executor, id: string): Promise<string | undefined> {
    const t = await ex.db
      .selectFrom('transfer')
      .select('state')
      .where('transfer_id', '=', id)
      .executeTakeFirst();
    return t?.state;
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
        {
          delivered_at: at,
          expires_at: typeof expiresAt === 'string' ? expiresAt : t.expires_at,
          chunks_held: t.chunk_count,
        },
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
    error: { code: string; message: string; chunk?: number },
    next = 'Recall it, correct it and send again.',
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
      details: {
        code: error.code,
        reason: error.message,
        ...(error.chunk !== undefined ? { chunk: error.chunk } : {}),
      },
    });
    // A chunk that was still on its way when the sender recalled the transfer: nothing to tell.
    if (t.state !== 'ready') return;
    await this.d.notifications.notify(
      tx,
      t.org_id,
      'rejected',
      transferId,
      `Transfer ${transferId.slice(0, 8)} could not be delivered to ${await this.d.orgName(tx, t.recipient_org_id)}: ${error.message} ${next}`,
    );
  }

  /** After a change made here: tells the other side's node, when it is a partner's. */
  async report(tx: Tx, t: TransferTable, step: Step, reason: string | null = null): Promise<void> {
    const other = BY_RECIPIENT.includes(step) ? t.org_id : t.recipient_org_id;
    const node = await this.d.federation.nodeOf(tx, other);
    // A recall of a delivered transfer is agreed with the partner first (recallAtPartner), and one
    // of a draft concerns nobody else; a recall while chunks are on their way has the partner
    // remove what it staged (the outbox stops sending the rest, as the chunks are gone).
    if (!node || (step === 'recall' && t.state !== 'ready')) return;
    const body: StateMessage = {
      transferId: t.transfer_id,
      step,
      reason,
      at: this.d.ctx.clock().toISOString(),
    };
    await this.d.federation.send(tx, node, 'transfer.state', body);
  }

  /** The partner's node refused a step reported from here (transfer-late-news.ts). */
  stateRefused(
    tx: Tx,
    fromNode: string,
    m: StateMessage,
    error: { code: string; message: string },
  ) {
    return stateRefused(this.d, tx, fromNode, m, error);
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
      if (!t) {
        if (m.step === 'recall' && (await this.inbound.recallStaged(tx, fromNode, m.transferId)))
          return { state: 'recalled' };
        throw new AccordError('NOT_FOUND');
      }
      const actorOrg = BY_RECIPIENT.includes(m.step) ? t.recipient_org_id : t.org_id;
      if ((await this.d.federation.nodeOf(tx, actorOrg)) !== fromNode)
        throw new AccordError('NOT_FOUND');
      const to = STEPS[m.step].to;
      if (t.state === to) return { state: to }; // already applied
      const at = this.d.ctx.clock().toISOString();
      // Dated when the partner says it acted (never ahead of this clock): a step can arrive late.
      const acted = actedAt(m);
      const when =
        acted !== undefined && acted < Date.parse(at) ? new Date(acted).toISOString() : at;
      const reason = typeof m.reason === 'string' ? m.reason.slice(0, 1000) : null;
      const set: Partial<TransferTable> =
        m.step === 'open'
          ? { opened_at: when }
          : { closed_at: when, ...(m.step === 'reject' ? { reason } : {}) };
      // The recipient can only act on what it holds: its step is the news that it arrived.
      if (t.state === 'ready' && BY_RECIPIENT.includes(m.step))
        await deliveredAfterAll(this.d, tx, t, fromNode, at);
      if (BY_RECIPIENT.includes(m.step) && ['recalled', 'expired'].includes(t.state)) {
        const late = await lateNews(this.d, tx, t, m, fromNode);
        if (late === 'refuse') throw illegal(m.step, t.state);
        if (late === 'noted') return { state: t.state };
      }
      // A recall that reaches a copy already expired here: nothing is left to recall.
      if (m.step === 'recall' && t.state === 'expired') return { state: t.state };
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
