// Delivery of a made-ready transfer: to the recipient's inbox on this node (LocalDelivery), or to
// the partner node hosting the recipient through the federation outbox (the remote path). Both
// follow the same state machine and audit; TransfersService picks one per recipient.
import { AccordError } from '../../errors.ts';
import type { Actor } from '../policy/actor.ts';
import { withAccess } from '../policy/gate.ts';
import { auditBoth } from './exchange.deps.ts';
import type { ExchangeDeps } from './exchange.deps.ts';
import type { RemoteTransfers } from './transfer-remote.ts';
import { illegal } from './transfer-states.ts';
import type { TransfersService } from './transfers.service.ts';
import type { Transfer, TransferViews } from './transfers.view.ts';

/** States in which the partner's node may hold the transfer, staged or in its inbox. */
const IN_FLIGHT = ['ready', 'delivered'];

const DAY = 86_400_000;

export class TransferDelivery {
  constructor(
    private readonly d: ExchangeDeps,
    private readonly transfers: TransfersService,
    private readonly views: TransferViews,
    private readonly remote: RemoteTransfers,
  ) {}

  /** Delivers locally (the recipient's inbox here) or to the partner node hosting the recipient. */
  async deliver(actor: Actor, id: string): Promise<Transfer> {
    const t = await this.d.ctx.store.db
      .selectFrom('transfer')
      .select('recipient_org_id')
      .where('transfer_id', '=', id)
      .executeTakeFirstOrThrow();
    const node = await this.d.federation.nodeOf(this.d.ctx.store, t.recipient_org_id);
    return node ? this.deliverRemote(actor, id, node) : this.deliverLocal(actor, id);
  }

  /**
   * Offers the transfer (its signed manifest) through the federation outbox, in the same
   * transaction as the audit entry; the partner's answer names the chunks it holds, the outbox
   * sends the others one message each, and it becomes delivered when the partner has them all.
   */
  private async deliverRemote(actor: Actor, id: string, node: string): Promise<Transfer> {
    await withAccess(this.d.ctx, actor, async (gate) => {
      const t = await this.transfers.party(gate, id, 'sender');
      if (t.state !== 'ready')
        gate.refuse(illegal('deliver', t.state), 'exchange.transfer.deliver', `transfer:${id}`, {
          state: t.state,
        });
      await this.d.federation.send(gate.tx, node, 'transfer.offer', this.remote.offer(t));
      auditBoth(this.d, gate.tx, t, actor.ref, 'exchange.transfer.sent', { node: `node:${node}` });
    });
    await this.d.federation.flush();
    return this.views.get(actor, id);
  }

  /** On one node, delivery is the recipient's inbox receiving it. */
  private async deliverLocal(actor: Actor, id: string): Promise<Transfer> {
    const at = this.d.ctx.clock();
    const expires = new Date(
      at.getTime() + this.d.ctx.config.transferExpiryDays * DAY,
    ).toISOString();
    return this.transfers.step(
      actor,
      id,
      'deliver',
      'sender',
      { delivered_at: at.toISOString(), expires_at: expires },
      async (tx, t) => {
        const from = await this.d.orgName(tx, t.org_id);
        await this.d.notifications.notify(
          tx,
          t.recipient_org_id,
          'arrived',
          id,
          `${from} sent you ${t.record_count} ${t.record_type} record${t.record_count === 1 ? '' : 's'} under ${t.agreement_ref} for ${t.purpose}. Open it by ${expires.slice(0, 10)}.`,
        );
      },
    );
  }

  /**
   * A transfer delivered to a partner node's inbox, or still travelling there: that node decides
   * a recall racing an open (one conditional update there), so it is asked first; refused if the
   * recipient opened it. Asked only after delivery, a recall could cross the last chunk: the
   * partner would open what this node shows as recalled.
   */
  async recallAtPartner(actor: Actor, id: string): Promise<void> {
    // Which inbox holds it (no personal data): a local one needs nothing more here.
    const where = await this.d.ctx.store.db
      .selectFrom('transfer')
      .select(['recipient_org_id', 'state'])
      .where('transfer_id', '=', id)
      .executeTakeFirst();
    if (
      !where ||
      !IN_FLIGHT.includes(where.state) ||
      !(await this.d.federation.nodeOf(this.d.ctx.store, where.recipient_org_id))
    )
      return;
    const node = await withAccess(this.d.ctx, actor, async (gate) => {
      const t = await this.transfers.party(gate, id, 'sender');
      return IN_FLIGHT.includes(t.state)
        ? this.d.federation.nodeOf(gate.tx, t.recipient_org_id)
        : undefined;
    });
    if (!node) return;
    // Outside any transaction: nothing here waits on the network while holding the database.
    await this.d.federation
      .ask(node, 'transfer.state', { transferId: id, step: 'recall', reason: null })
      .catch(async (e: unknown) => {
        // Still on its way and the partner is out of reach (or takes nothing from this node for
        // now), or never got the offer: the recall goes ahead here and the partner is told later.
        // Should it hold the transfer whole after all (the answer to its last chunk was lost)
        // and open it first, its word wins when it arrives (transfer-late-news.ts).
        if (
          where.state === 'ready' &&
          e instanceof AccordError &&
          [
            'FEDERATION_UNREACHABLE',
            'FEDERATION_CLOCK_SKEW',
            'FEDERATION_UNKNOWN_NODE',
            'NOT_FOUND',
          ].includes(e.code)
        )
          return;
        if (e instanceof AccordError)
          await this.d.ctx.audit.recordNow(this.d.ctx.store, {
            orgId: actor.orgId,
            actor: actor.ref,
            action: 'exchange.transfer.recall',
            target: `transfer:${id}`,
            outcome: 'refused',
            details: { code: e.code, reason: e.message, node: `node:${node}` },
          });
        throw e;
      });
  }
}
