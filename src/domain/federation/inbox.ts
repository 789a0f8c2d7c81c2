// Receiving a message from a partner node. In order: it must decrypt with this node's key, come
// from a node on the trust list (not revoked), carry a good signature from that node's key, be
// addressed to this node, be issued within the time window, and not reuse a message id for a
// different body. A message id seen before with the same body is not applied again: the answer
// given the first time is given again. Refusals are audited with their stable code (a flood of
// them once a minute per code, counted), a post too large to be read too (tooLarge); the answer
// is itself signed by this node and sealed to the sender, so the sender verifies it in turn.
import { AccordError } from '../../errors.ts';
import type { DomainContext } from '../context.ts';
import { reattach } from './attachments.ts';
import { trusted } from './directory.ts';
import type { FederationNodeTable } from './federation.table.ts';
import { cardOf } from './link.ts';
import type { Answer } from './link.ts';
import {
  WINDOW_MS,
  bodyDigest,
  claimedSender,
  keyFromJwk,
  newMessageId,
  seal,
  unseal,
  verifyMessage,
} from './messages.ts';
import type { Message } from './messages.ts';
import type { NodeIdentity } from './node-identity.ts';

/** Applies one kind of message from a verified partner; returns the answer's body. */
export type Handler = (m: Message, from: FederationNodeTable) => Promise<unknown>;

/** A message still being applied after this long is applied again (its first try was lost). */
const STALE_CLAIM_MS = 60_000;

/**
 * Refusals are audited once a minute per code, the repeats counted: anyone can post envelopes
 * (the inbox is public), and each refusal would otherwise be a permanent audit entry an attacker
 * could write thousands of times a minute. Per code, not per address or claimed sender: both are
 * the sender's to vary (a forwarded-for header, a claim in the envelope).
 */
const REFUSALS_WINDOW_MS = 60_000;

export class Inbox {
  private readonly handlers = new Map<string, Handler>();
  /** The last refusal audited per code, how many alike since (not audited), and when to say so. */
  private readonly refusals = new Map<
    string,
    { at: number; repeats: number; timer?: NodeJS.Timeout }
  >();
  /** Told of every partner heard from (a verified message): the outbox revives what it missed. */
  onContact: (nodeId: string) => Promise<void> = async () => undefined;

  constructor(
    private readonly ctx: DomainContext,
    private readonly me: NodeIdentity,
  ) {}

  handle(kind: string, fn: Handler): void {
    this.handlers.set(kind, fn);
  }

  private async refused(
    e: AccordError,
    claimed: { from?: string; id?: string; kind?: string },
    address = '',
  ): Promise<never> {
    await this.noteRefusal(e, claimed, address);
    throw e;
  }

  /** Audits a refusal, or counts it into the next entry for its code (REFUSALS_WINDOW_MS). */
  private async noteRefusal(
    e: AccordError,
    claimed: { from?: string; id?: string; kind?: string },
    address: string,
    extra: Record<string, unknown> = {},
  ): Promise<void> {
    const now = this.ctx.clock().getTime();
    const last = this.refusals.get(e.code);
    if (last && now - last.at < REFUSALS_WINDOW_MS) {
      last.repeats++;
      // Counted into the next entry for the code, or written on their own a minute on.
      last.timer ??= setTimeout(
        () => void this.auditRepeats(e.code).catch(() => undefined),
        REFUSALS_WINDOW_MS,
      ).unref();
      return;
    }
    clearTimeout(last?.timer);
    this.refusals.set(e.code, { at: now, repeats: 0 });
    await this.audit(e.code, {
      actor: claimed.from ? `node:${claimed.from}` : 'unknown',
      details: {
        reason: e.message,
        messageId: claimed.id,
        kind: claimed.kind,
        ...extra,
        ...(address ? { address: address.slice(0, 64) } : {}),
        // Refused alike since the last entry, within a minute of each other, and not audited.
        ...(last?.repeats ? { repeats: last.repeats } : {}),
      },
    });
  }

  /**
   * A post to the inbox refused by the HTTP layer as larger than this node accepts, before it
   * was read: audited as the other refusals are (a flood of them once a minute). Only what the
   * request says of itself is known: the envelope, and so its sender, was never read.
   */
  async tooLarge(route: string, contentLength: string | undefined, address = ''): Promise<void> {
    const limit = this.ctx.config.federationMaxBytes;
    const claimed = /^\d{1,15}$/.test(contentLength ?? '') ? Number(contentLength) : undefined;
    await this.noteRefusal(
      new AccordError(
        'BODY_TOO_LARGE',
        `The request was larger than this node accepts (ACCORD_FEDERATION_MAX_BYTES, ${limit} bytes).`,
      ),
      {},
      address,
      { route, ...(claimed === undefined ? {} : { contentLength: claimed }), limit },
    );
  }

  /** Writes out the count of refusals of `code` not audited one by one, if any. */
  private async auditRepeats(code: string): Promise<void> {
    const r = this.refusals.get(code);
    if (!r?.repeats) return;
    const repeats = r.repeats;
    r.repeats = 0;
    r.timer = undefined;
    await this.audit(code, { actor: 'unknown', details: { repeats } });
  }

  private async audit(
    code: string,
    e: { actor: string; details: Record<string, unknown> },
  ): Promise<void> {
    await this.ctx.audit.recordNow(this.ctx.store, {
      orgId: null,
      actor: e.actor,
      action: 'federation.message.refused',
      target: `node:${this.me.nodeId}`,
      outcome: 'refused',
      details: { code, ...e.details },
    });
  }

  /**
   * Receives one envelope, posted from `address` with the attachment its message declares, if
   * any; returns the sealed answer, or throws a coded refusal (audited; a flood of them once a
   * minute per code).
   */
  async receive(envelope: unknown, address = '', attachment?: unknown): Promise<string> {
    const now = this.ctx.clock();
    let jws: string;
    let claimed: { from: string; id: string; kind: string } | undefined;
    try {
      jws = await unseal(this.me, typeof envelope === 'string' ? envelope : '');
      claimed = claimedSender(jws);
    } catch (e) {
      return this.refused(e as AccordError, {}, address);
    }
    const node = await trusted(this.ctx.store, claimed.from);
    if (!node) return this.refused(new AccordError('FEDERATION_UNKNOWN_NODE'), claimed, address);
    let m: Message;
    try {
      m = await verifyMessage(jws, keyFromJwk(cardOf(node).signingKey), this.me.nodeId, now);
      m = reattach(m, attachment);
    } catch (e) {
      return this.refused(e as AccordError, claimed, address);
    }
    await this.onContact(node.node_id);
    const digest = bodyDigest(m.kind, m.body);
    await this.ctx.store.db
      .deleteFrom('federation_seen')
      .where('received_at', '<', new Date(now.getTime() - 2 * WINDOW_MS).toISOString())
      .where('response', 'is not', null)
      .execute();
    const seen = await this.ctx.store.db
      .selectFrom('federation_seen')
      .selectAll()
      .where('node_id', '=', node.node_id)
      .where('message_id', '=', m.id)
      .executeTakeFirst();
    if (seen) {
      if (seen.digest !== digest)
        return this.refused(new AccordError('FEDERATION_REPLAY'), claimed, address);
      if (seen.response !== null) {
        await this.ctx.audit.recordNow(this.ctx.store, {
          orgId: null,
          actor: `node:${node.node_id}`,
          action: 'federation.message.duplicate',
          target: `node:${this.me.nodeId}`,
          outcome: 'ok',
          details: { messageId: m.id, kind: m.kind, applied: 'once; answered as before' },
        });
        return this.answer(node, m, JSON.parse(seen.response) as Answer);
      }
      if (now.getTime() - Date.parse(seen.received_at) < STALE_CLAIM_MS)
        throw new AccordError('CONFLICT', 'That message is being applied: try again shortly.');
      // A stale claim (its applier died): one retry takes it over, atomically, and applies it.
      const retaken = await this.ctx.store.db
        .updateTable('federation_seen')
        .set({ received_at: now.toISOString() })
        .where('node_id', '=', node.node_id)
        .where('message_id', '=', m.id)
        .where('received_at', '=', seen.received_at)
        .where('response', 'is', null)
        .executeTakeFirst();
      if (Number(retaken.numUpdatedRows) !== 1)
        throw new AccordError('CONFLICT', 'That message is being applied: try again shortly.');
    } else {
      const claim = await this.ctx.store.db
        .insertInto('federation_seen')
        .values({
          message_id: m.id,
          node_id: node.node_id,
          kind: m.kind,
          digest,
          response: null,
          received_at: now.toISOString(),
        })
        .onConflict((oc) => oc.doNothing())
        .executeTakeFirst();
      if (Number(claim.numInsertedOrUpdatedRows ?? 0) !== 1)
        throw new AccordError('CONFLICT', 'That message is being applied: try again shortly.');
    }
    let answer: Answer;
    try {
      const handler = this.handlers.get(m.kind);
      if (!handler) throw new AccordError('VALIDATION_FAILED', `Unknown message kind ${m.kind}.`);
      answer = { ok: true, body: (await handler(m, node)) ?? null };
    } catch (e) {
      if (!(e instanceof AccordError)) throw e; // unexpected: not recorded, so a retry applies it
      answer = { ok: false, error: { code: e.code, message: e.message } };
    }
    await this.ctx.store.transaction(async (tx) => {
      await tx.db
        .updateTable('federation_seen')
        .set({ response: JSON.stringify(answer) })
        .where('node_id', '=', node.node_id)
        .where('message_id', '=', m.id)
        .execute();
      this.ctx.audit.record(tx, {
        orgId: null,
        actor: `node:${node.node_id}`,
        action: 'federation.message.received',
        target: `node:${this.me.nodeId}`,
        outcome: answer.ok ? 'ok' : 'refused',
        details: {
          messageId: m.id,
          kind: m.kind,
          ...(answer.ok ? {} : { code: answer.error.code }),
        },
      });
    });
    return this.answer(node, m, answer);
  }

  private answer(node: FederationNodeTable, m: Message, answer: Answer): Promise<string> {
    return seal(
      this.me,
      keyFromJwk(cardOf(node).encryptionKey),
      { id: newMessageId(), to: node.node_id, kind: 'answer', inReplyTo: m.id, body: answer },
      this.ctx.clock(),
    );
  }
}
