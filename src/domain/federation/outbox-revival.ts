// Messages the outbox sends again once a partner is back. After 20 attempts (about three hours)
// the outbox gives a message up; for a transfer that is the end (its sender is told, and sends
// it again). This node's directory is different: it carries the current exchange keys, so a
// partner that missed it would go on sealing to a retired key until that key is destroyed. So
// the latest directory given up on that way is sent again as soon as that partner is heard
// from: it answers a message, or sends one. (One the partner refused for good is not: it would
// fail alike.) A change of an agreement or a correction differs again: each message carries one
// change the partner must apply (a proposal, a decision, a notice), in order, so every one given
// up on is sent again, and the later ones still waiting are given up with it. Each goes again in
// place: under its own message id (the partner applies it once) and in the order first queued.
import type { Tx } from '../../store/store.ts';
import type { DomainContext } from '../context.ts';
import type { FederationOutboxTable } from './federation.table.ts';
import { MAX_ATTEMPTS, auditFailed } from './outbox-results.ts';

/** Given up after its retries ran out, not refused for good (that would only fail again). */
const givenUp = (m: { state: string; attempts: number } | undefined): boolean =>
  m?.state === 'failed' && m.attempts >= MAX_ATTEMPTS;

export class Revival {
  /** The kinds whose latest message is sent again. */
  readonly kinds = new Set<string>();
  /** The kinds whose every message given up on is sent again, in order. */
  readonly every = new Set<string>();
  /** Nodes whose given-up messages have been looked for since this process started. */
  private readonly looked = new Set<string>();
  /** Nodes owed a message given up on here since then. */
  private readonly owed = new Set<string>();

  constructor(
    private readonly ctx: DomainContext,
    /** Starts sending what is pending (once the caller's transaction commits). */
    private readonly wake: (tx: Tx) => void,
  ) {}

  /** The outbox gave up on a message to `nodeId`. */
  gaveUp(nodeId: string, kind: string): void {
    if (this.kinds.has(kind) || this.every.has(kind)) this.owed.add(nodeId);
  }

  /**
   * A message of an `every` kind was given up on: the later ones of those kinds to the same node
   * still waiting are given up with it, so that, sent again together, they keep their order (a
   * resumption never lands before the suspension it lifts, a decision before its proposal).
   */
  async holdBack(tx: Tx, row: FederationOutboxTable): Promise<void> {
    if (!this.every.has(row.kind)) return;
    const later = await tx.db
      .selectFrom('federation_outbox')
      .select(['message_id', 'kind'])
      .where('node_id', '=', row.node_id)
      .where('kind', 'in', [...this.every])
      .where('state', '=', 'pending')
      .where((eb) =>
        eb.or([
          eb('created_at', '>', row.created_at),
          eb.and([eb('created_at', '=', row.created_at), eb('message_id', '>', row.message_id)]),
        ]),
      )
      .execute();
    const now = this.ctx.clock().toISOString();
    for (const m of later) {
      const r = await tx.db
        .updateTable('federation_outbox')
        .set({
          state: 'failed',
          attempts: MAX_ATTEMPTS,
          last_error: `Given up with ${row.message_id}, queued before it.`,
          done_at: now,
        })
        .where('message_id', '=', m.message_id)
        .where('state', '=', 'pending')
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) === 1)
        auditFailed(this.ctx, tx, row.node_id, {
          messageId: m.message_id,
          kind: m.kind,
          with: row.message_id,
        });
    }
  }

  /** `nodeId` was heard from: what it missed is sent again. */
  async contact(nodeId: string): Promise<void> {
    if (this.kinds.size === 0 && this.every.size === 0) return;
    // The outbox table is read once per node per process (a message may have been given up on
    // before a restart); after that, only when a message was given up on here.
    if (this.looked.has(nodeId) && !this.owed.has(nodeId)) return;
    const wasOwed = this.owed.delete(nodeId);
    this.looked.add(nodeId);
    // Never in the way of what the partner is doing (its message, our flush): on a failure this
    // is only put off to the next contact.
    await this.ctx.store
      .transaction(async (tx) => {
        for (const kind of this.kinds) await this.latest(tx, nodeId, kind);
        await this.resend(tx, nodeId);
      })
      .catch(() => {
        this.looked.delete(nodeId);
        if (wasOwed) this.owed.add(nodeId);
      });
  }

  /** The latest message of `kind` to the node, if given up on, pending again. */
  private async latest(tx: Tx, nodeId: string, kind: string): Promise<void> {
    const last = await tx.db
      .selectFrom('federation_outbox')
      .select(['message_id', 'state', 'attempts'])
      .where('node_id', '=', nodeId)
      .where('kind', '=', kind)
      .orderBy('created_at', 'desc')
      .orderBy('message_id', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (givenUp(last)) await this.again(tx, nodeId, kind, last!.message_id);
  }

  /**
   * Every message of the `every` kinds to the node given up on, pending again with fresh
   * retries. Also run before another of those kinds is queued to it, so that one goes after them.
   */
  async resend(tx: Tx, nodeId: string): Promise<void> {
    if (this.every.size === 0) return;
    const rows = await tx.db
      .selectFrom('federation_outbox')
      .select(['message_id', 'kind', 'state', 'attempts'])
      .where('node_id', '=', nodeId)
      .where('kind', 'in', [...this.every])
      .where('state', '=', 'failed')
      .where('attempts', '>=', MAX_ATTEMPTS)
      .orderBy('created_at')
      .orderBy('message_id')
      .execute();
    for (const r of rows) await this.again(tx, nodeId, r.kind, r.message_id);
  }

  /**
   * One message pending again, in place: same id (the partner applies it once) and the place in
   * the queue it was first given, so it goes before anything queued since.
   */
  private async again(tx: Tx, nodeId: string, kind: string, messageId: string): Promise<void> {
    const r = await tx.db
      .updateTable('federation_outbox')
      .set({
        state: 'pending',
        attempts: 0,
        next_attempt_at: this.ctx.clock().toISOString(),
        done_at: null,
      })
      .where('message_id', '=', messageId)
      .where('state', '=', 'failed')
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) return; // another process was first
    this.ctx.audit.record(tx, {
      orgId: null,
      actor: 'node',
      action: 'federation.message.revived',
      target: `node:${nodeId}`,
      outcome: 'ok',
      details: { kind, messageId, givenUp: messageId },
    });
    this.wake(tx);
  }
}
