// Messages the outbox sends again once a partner is back. After 20 attempts (about three hours)
// the outbox gives a message up, and for most kinds that is the end (a transfer's sender is told).
// This node's directory is different: it carries the current exchange keys, so a partner that
// missed it would go on sealing to a retired key until that key is destroyed. So the latest
// directory given up on that way is queued again as soon as that partner is heard from: it
// answers a message, or sends one. (One the partner refused for good is not: it would fail alike.)
import type { Tx } from '../../store/store.ts';
import type { DomainContext } from '../context.ts';
import { MAX_ATTEMPTS } from './outbox-results.ts';

type Enqueue = (tx: Tx, nodeId: string, kind: string, body: unknown) => Promise<string | undefined>;

export class Revival {
  /** The kinds revived. */
  readonly kinds = new Set<string>();
  /** Nodes whose given-up messages have been looked for since this process started. */
  private readonly looked = new Set<string>();
  /** Nodes owed a message given up on here since then. */
  private readonly owed = new Set<string>();

  constructor(
    private readonly ctx: DomainContext,
    private readonly enqueue: Enqueue,
  ) {}

  /** The outbox gave up on a message to `nodeId`. */
  gaveUp(nodeId: string, kind: string): void {
    if (this.kinds.has(kind)) this.owed.add(nodeId);
  }

  /** `nodeId` was heard from: the latest message of each kind, if given up on, is queued again. */
  async contact(nodeId: string): Promise<void> {
    if (this.kinds.size === 0) return;
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
        // Given up after its retries ran out, not refused for good (that would only fail again).
        if (last?.state !== 'failed' || last.attempts < MAX_ATTEMPTS) continue;
        const id = await this.enqueue(tx, nodeId, kind, JSON.parse(last.body));
        this.ctx.audit.record(tx, {
          orgId: null,
          actor: 'node',
          action: 'federation.message.revived',
          target: `node:${nodeId}`,
          outcome: 'ok',
          details: { kind, messageId: id ?? null, givenUp: last.message_id },
        });
      }
    });
  }
}
