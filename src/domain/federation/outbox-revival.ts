// Messages the outbox sends again once a partner is back. After 20 attempts (about three hours)
// the outbox gives a message up; for a transfer that is the end (its sender is told, and sends
// it again). This node's directory is different: it carries the current exchange keys, so a
// partner that missed it would go on sealing to a retired key until that key is destroyed. So
// the latest directory given up on that way is queued again as soon as that partner is heard
// from: it answers a message, or sends one. (One the partner refused for good is not: it would
// fail alike.) A change of an agreement or a correction differs again: each message carries one
// change the partner must apply (a proposal, a decision, a notice), so every one given up on is
// sent again, in the order queued, under its own message id (the partner applies each once).
import type { Tx } from '../../store/store.ts';
import type { DomainContext } from '../context.ts';
import { MAX_ATTEMPTS } from './outbox-results.ts';

type Enqueue = (tx: Tx, nodeId: string, kind: string, body: unknown) => Promise<string | undefined>;

/** Given up after its retries ran out, not refused for good (that would only fail again). */
const givenUp = (m: { state: string; attempts: number } | undefined): boolean =>
  m?.state === 'failed' && m.attempts >= MAX_ATTEMPTS;

export class Revival {
  /** The kinds whose latest message is queued again. */
  readonly kinds = new Set<string>();
  /** The kinds whose every message given up on is sent again. */
  readonly every = new Set<string>();
  /** Nodes whose given-up messages have been looked for since this process started. */
  private readonly looked = new Set<string>();
  /** Nodes owed a message given up on here since then. */
  private readonly owed = new Set<string>();

  constructor(
    private readonly ctx: DomainContext,
    private readonly enqueue: Enqueue,
    /** Starts sending what is pending (once the caller's transaction commits). */
    private readonly wake: (tx: Tx) => void,
  ) {}

  /** The outbox gave up on a message to `nodeId`. */
  gaveUp(nodeId: string, kind: string): void {
    if (this.kinds.has(kind) || this.every.has(kind)) this.owed.add(nodeId);
  }

  /** `nodeId` was heard from: the latest message of each kind, if given up on, is queued again. */
  async contact(nodeId: string): Promise<void> {
    if (this.kinds.size === 0 && this.every.size === 0) return;
    // The outbox table is read once per node per process (a message may have been given up on
    // before a restart); after that, only when a message was given up on here.
    if (this.looked.has(nodeId) && !this.owed.has(nodeId)) return;
    const wasOwed = this.owed.delete(nodeId);
    this.looked.add(nodeId);
    // Never in the way of what the partner is doing (its message, our flush): on a failure this
    // is only put off to the next contact.
    await this.revive(nodeId).catch(() => {
      this.looked.delete(nodeId);
      if (wasOwed) this.owed.add(nodeId);
    });
  }

  private async revive(nodeId: string): Promise<void> {
    await this.ctx.store.transaction(async (tx) => {
      for (const kind of this.kinds) {
        const last = await tx.db
          .selectFrom('federation_outbox')
          .select(['message_id', 'state', 'attempts', 'body'])
          .where('node_id', '=', nodeId)
          .where('kind', '=', kind)
          .orderBy('created_at', 'desc')
          .orderBy('message_id', 'desc')
          .limit(1)
          .executeTakeFirst();
        if (!givenUp(last)) continue;
        const id = await this.enqueue(tx, nodeId, kind, JSON.parse(last!.body));
        this.revived(tx, nodeId, kind, id ?? null, last!.message_id);
      }
      if (this.every.size) await this.resend(tx, nodeId);
    });
  }

  /** Every message of the `every` kinds given up on, pending again with fresh retries. */
  private async resend(tx: Tx, nodeId: string): Promise<void> {
    const rows = await tx.db
      .selectFrom('federation_outbox')
      .select(['message_id', 'kind', 'state', 'attempts'])
      .where('node_id', '=', nodeId)
      .where('kind', 'in', [...this.every])
      .where('state', '=', 'failed')
      .orderBy('created_at')
      .orderBy('message_id')
      .execute();
    const ids = rows.filter(givenUp).map((r) => r.message_id);
    if (!ids.length) return;
    // Kept in place, so they go in the order first queued, before anything queued since.
    await tx.db
      .updateTable('federation_outbox')
      .set({
        state: 'pending',
        attempts: 0,
        next_attempt_at: this.ctx.clock().toISOString(),
        done_at: null,
      })
      .where('message_id', 'in', ids)
      .where('state', '=', 'failed')
      .execute();
    for (const r of rows)
      if (ids.includes(r.message_id)) this.revived(tx, nodeId, r.kind, r.message_id, r.message_id);
    this.wake(tx);
  }

  private revived(
    tx: Tx,
    nodeId: string,
    kind: string,
    id: string | null,
    givenUpId: string,
  ): void {
    this.ctx.audit.record(tx, {
      orgId: null,
      actor: 'node',
      action: 'federation.message.revived',
      target: `node:${nodeId}`,
      outcome: 'ok',
      details: { kind, messageId: id, givenUp: givenUpId },
    });
  }
}
