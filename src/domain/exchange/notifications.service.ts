// Telling organisations what happened to their transfers and queries: an in-app list per
// organisation, and an optional webhook per organisation, called after the change commits and
// retried with back-off (best effort: a webhook that stays down loses nothing in Accord).
// Every call is signed by the node (Ed25519 over "<timestamp>.<body>", the key published at
// /api/audit/checkpoint), so a receiver can tell a real call from a forged or replayed one.
import { AccordError } from '../../errors.ts';
import type { Tx } from '../../store/store.ts';
import type { DomainContext } from '../context.ts';
import { uuid7 } from '../ids.ts';
import type { NodeKeys } from '../node/node-keys.ts';
import type { Actor } from '../policy/actor.ts';
import { withAccess } from '../policy/gate.ts';

export interface Notification {
  id: string;
  kind: string;
  transferId: string | null;
  message: string;
  createdAt: string;
}

/** Which notifications to list: only these kinds, and/or only those older than one already seen. */
export interface NotificationFilter {
  kinds?: readonly string[];
  /** A notification's id: list those after it, newest first (the next page). */
  before?: string;
}

const MAX_ATTEMPTS = 6;
const TIMEOUT_MS = 5000;

export class NotificationsService {
  private delivering: Promise<number> | undefined;

  constructor(
    private readonly ctx: DomainContext,
    private readonly keys: NodeKeys,
  ) {}

  /** The headers that let a receiver check a call: when it was signed, by which key, and the signature. */
  signatureHeaders(body: string, at: Date): Record<string, string> {
    const timestamp = String(Math.floor(at.getTime() / 1000));
    return {
      'accord-timestamp': timestamp,
      'accord-key-id': this.keys.keyId,
      'accord-signature': this.keys.sign(`${timestamp}.${body}`).toString('base64url'),
    };
  }

  /** Adds a notification for `orgId`, and queues its webhook call, with the change. */
  async notify(
    tx: Tx,
    orgId: string,
    kind: string,
    transferId: string | null,
    message: string,
  ): Promise<void> {
    // An organisation a partner's node hosts is told there, by its own node (each change travels
    // to it): kept here, under the stand-in for that organisation, nobody would ever read it.
    const elsewhere = await tx.db
      .selectFrom('federation_org')
      .select('org_id')
      .where('org_id', '=', orgId)
      .executeTakeFirst();
    if (elsewhere) return;
    const at = this.ctx.clock().toISOString();
    const id = uuid7();
    await tx.db
      .insertInto('exchange_notification')
      .values({
        notification_id: id,
        org_id: orgId,
        kind,
        transfer_id: transferId,
        message,
        created_at: at,
      })
      .execute();
    const hook = await tx.db
      .selectFrom('exchange_webhook')
      .select('url')
      .where('org_id', '=', orgId)
      .executeTakeFirst();
    if (!hook) return;
    await tx.db
      .insertInto('exchange_webhook_delivery')
      .values({
        delivery_id: id,
        org_id: orgId,
        url: hook.url,
        body: JSON.stringify({ id, orgId, kind, transferId, message, at }),
        attempts: 0,
        next_attempt_at: at,
        delivered_at: null,
        last_error: null,
        created_at: at,
      })
      .execute();
    tx.afterCommit(() => void this.deliverDue().catch(() => undefined));
  }

  async list(actor: Actor, limit = 50, filter: NotificationFilter = {}): Promise<Notification[]> {
    return withAccess(this.ctx, actor, async (gate) => {
      gate.require('exchange.read', { orgId: actor.orgId, ref: 'exchange:notifications' });
      let q = gate.tx.db
        .selectFrom('exchange_notification')
        .selectAll()
        .where('org_id', '=', actor.orgId);
      if (filter.kinds) {
        if (filter.kinds.length === 0) return [];
        q = q.where('kind', 'in', filter.kinds);
      }
      if (filter.before !== undefined) {
        // Paged by position, not offset: a page does not shift as new notifications arrive.
        const seen = await gate.tx.db
          .selectFrom('exchange_notification')
          .select(['notification_id', 'created_at'])
          .where('notification_id', '=', filter.before)
          .where('org_id', '=', actor.orgId)
          .executeTakeFirst();
        if (!seen)
          throw new AccordError('VALIDATION_FAILED', 'No such notification to list from.', [
            { field: 'before', message: 'Give the id of one of your notifications' },
          ]);
        q = q.where((eb) =>
          eb.or([
            eb('created_at', '<', seen.created_at),
            eb.and([
              eb('created_at', '=', seen.created_at),
              eb('notification_id', '<', seen.notification_id),
            ]),
          ]),
        );
      }
      const rows = await q
        .orderBy('created_at', 'desc')
        .orderBy('notification_id', 'desc')
        .limit(limit)
        .execute();
      return rows.map((r) => ({
        id: r.notification_id,
        kind: r.kind,
        transferId: r.transfer_id,
        message: r.message,
        createdAt: r.created_at,
      }));
    });
  }

  async webhook(actor: Actor): Promise<{ url: string | null }> {
    return withAccess(this.ctx, actor, async (gate) => {
      gate.require('exchange.settings', { orgId: actor.orgId, ref: 'exchange:webhook' });
      const row = await gate.tx.db
        .selectFrom('exchange_webhook')
        .select('url')
        .where('org_id', '=', actor.orgId)
        .executeTakeFirst();
      return { url: row?.url ?? null };
    });
  }

  /** Sets (or, with null, removes) the organisation's webhook address. */
  async setWebhook(actor: Actor, given: string | null): Promise<{ url: string | null }> {
    // An empty address (a cleared form field) removes the webhook.
    const url = given?.trim() || null;
    return withAccess(this.ctx, actor, async (gate) => {
      gate.require('exchange.settings', { orgId: actor.orgId, ref: 'exchange:webhook' });
      if (url !== null && !/^https?:\/\/[^\s/]+/.test(url))
        throw new AccordError('VALIDATION_FAILED', 'Give the webhook as an http(s) address.', [
          { field: 'url', message: 'Enter an address starting https://' },
        ]);
      await gate.tx.db.deleteFrom('exchange_webhook').where('org_id', '=', actor.orgId).execute();
      if (url)
        await gate.tx.db
          .insertInto('exchange_webhook')
          .values({
            org_id: actor.orgId,
            url,
            updated_by: actor.ref,
            updated_at: this.ctx.clock().toISOString(),
          })
          .execute();
      gate.record('exchange.webhook.set', 'exchange:webhook', { url });
      return { url };
    });
  }

  /** Makes the webhook calls that are due; returns how many succeeded. One sweep at a time. */
  deliverDue(): Promise<number> {
    this.delivering ??= this.sweep().finally(() => (this.delivering = undefined));
    return this.delivering;
  }

  private async sweep(): Promise<number> {
    const now = this.ctx.clock();
    const due = await this.ctx.store.db
      .selectFrom('exchange_webhook_delivery')
      .selectAll()
      .where('delivered_at', 'is', null)
      .where('attempts', '<', MAX_ATTEMPTS)
      .where('next_attempt_at', '<=', now.toISOString())
      .orderBy('created_at')
      .limit(100)
      .execute();
    let ok = 0;
    for (const d of due) {
      let error: string | null = null;
      try {
        const res = await fetch(d.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'user-agent': 'Accord-Exchange/1',
            ...this.signatureHeaders(d.body, this.ctx.clock()),
          },
          body: d.body,
          signal: AbortSignal.timeout(TIMEOUT_MS),
        });
        if (!res.ok) error = `HTTP ${res.status}`;
      } catch (e) {
        error = (e as Error).message;
      }
      const at = this.ctx.clock();
      // Back-off: 30 s, 1 min, 2 min, 4 min, 8 min.
      const next = new Date(at.getTime() + 30_000 * 2 ** d.attempts).toISOString();
      await this.ctx.store.db
        .updateTable('exchange_webhook_delivery')
        .set(
          error
            ? { attempts: d.attempts + 1, next_attempt_at: next, last_error: error.slice(0, 500) }
            : { attempts: d.attempts + 1, delivered_at: at.toISOString(), last_error: null },
        )
        .where('delivery_id', '=', d.delivery_id)
        .execute();
      if (!error) ok++;
    }
    return ok;
  }
}
