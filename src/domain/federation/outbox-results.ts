// What the outbox records after an attempt, each in a transaction of its own: the partner's
// answer (delivered or refused, then the kind's answer handler), or a failure to deliver (retried
// with back-off, or given up on, then the kind's give-up handler).
import { AccordError } from '../../errors.ts';
import type { Tx } from '../../store/store.ts';
import type { DomainContext } from '../context.ts';
import type { FederationOutboxTable } from './federation.table.ts';
import type { Answer } from './link.ts';
import type { OnAnswer, OnGiveUp } from './outbox.ts';
import type { Revival } from './outbox-revival.ts';

export const MAX_ATTEMPTS = 20;
const BASE_MS = 1000;
const MAX_DELAY_MS = 15 * 60_000;

/**
 * Given up on at once, not retried: the partner does not trust this node at all (this node's
 * trust list, or the partner's refusal, link.ts), or refused the message as larger than it
 * accepts (it would refuse every attempt alike). A partner refusing it for the clocks differing
 * is retried: clocks get fixed.
 */
const FINAL = new Set(['FEDERATION_UNKNOWN_NODE', 'BODY_TOO_LARGE']);

/**
 * The partner takes nothing from this node for now: its other messages wait for their next
 * attempt rather than follow this one (and, ordered, overtake it).
 */
const DOWN = new Set(['FEDERATION_UNREACHABLE', 'FEDERATION_CLOCK_SKEW']);

export interface ResultDeps {
  ctx: DomainContext;
  onAnswer: ReadonlyMap<string, OnAnswer>;
  onGiveUp: ReadonlyMap<string, OnGiveUp>;
  revival: Revival;
  /** Runs a result's transaction after those already started in this process (see Outbox). */
  record(fn: (tx: Tx) => Promise<void>): Promise<void>;
}

/** A message given up on, in the node's log. */
export function auditFailed(
  ctx: DomainContext,
  tx: Tx,
  nodeId: string,
  details: Record<string, unknown>,
): void {
  ctx.audit.record(tx, {
    orgId: null,
    actor: 'node',
    action: 'federation.message.failed',
    target: `node:${nodeId}`,
    outcome: 'refused',
    details,
  });
}

/** After a failed attempt; returns false when the partner takes nothing for now (DOWN). */
export async function recordFailure(
  d: ResultDeps,
  row: FederationOutboxTable,
  e: unknown,
  now: Date,
): Promise<boolean> {
  const attempts = row.attempts + 1;
  const code = e instanceof AccordError ? e.code : 'INTERNAL';
  const message = (e as Error).message;
  const exhausted = attempts >= MAX_ATTEMPTS;
  const failed = exhausted || FINAL.has(code);
  const delay = Math.min(BASE_MS * 2 ** (attempts - 1), MAX_DELAY_MS);
  await d.record(async (tx) => {
    const r = await tx.db
      .updateTable('federation_outbox')
      .set({
        attempts,
        state: failed ? 'failed' : 'pending',
        next_attempt_at: new Date(now.getTime() + delay).toISOString(),
        last_error: `${code}: ${message}`.slice(0, 500),
        done_at: failed ? now.toISOString() : null,
      })
      .where('message_id', '=', row.message_id)
      .where('state', '=', 'pending')
      .executeTakeFirst();
    // Dropped meanwhile (its transfer recalled, or stopped with another message): nothing more.
    if (!failed || Number(r.numUpdatedRows) !== 1) return;
    auditFailed(d.ctx, tx, row.node_id, {
      messageId: row.message_id,
      kind: row.kind,
      attempts,
      code,
    });
    // Away for hours: sent again once heard from. (Refused for good: sending again would not help.)
    if (exhausted) {
      await d.revival.holdBack(tx, row);
      tx.afterCommit(() => d.revival.gaveUp(row.node_id, row.kind));
    }
    await d.onGiveUp.get(row.kind)?.(tx, row, { code, message }, exhausted);
  });
  return !DOWN.has(code);
}

/** After the partner answered. */
export async function recordAnswer(
  d: ResultDeps,
  row: FederationOutboxTable,
  answer: Answer,
  now: Date,
): Promise<void> {
  await d.record(async (tx) => {
    const before = await tx.db
      .selectFrom('federation_outbox')
      .select('state')
      .where('message_id', '=', row.message_id)
      .executeTakeFirst();
    // Recorded already (another process), or stopped while it was on its way: a message stopped
    // with the rest of its transfer still counts if the partner took it (it may complete the
    // transfer there), but a refusal of it adds nothing to what the sender was told.
    const stopped = before?.state === 'dropped';
    if (before?.state !== 'pending' && !stopped) return;
    const r = await tx.db
      .updateTable('federation_outbox')
      .set({
        attempts: row.attempts + 1,
        state: answer.ok ? 'delivered' : 'refused',
        last_error: answer.ok ? null : `${answer.error.code}: ${answer.error.message}`,
        done_at: now.toISOString(),
      })
      .where('message_id', '=', row.message_id)
      .where('state', '=', before.state)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) return;
    d.ctx.audit.record(tx, {
      orgId: null,
      actor: 'node',
      action: answer.ok ? 'federation.message.delivered' : 'federation.message.refused',
      target: `node:${row.node_id}`,
      outcome: answer.ok ? 'ok' : 'refused',
      details: {
        messageId: row.message_id,
        kind: row.kind,
        ...(answer.ok ? {} : { code: answer.error.code }),
      },
    });
    if (answer.ok || !stopped) await d.onAnswer.get(row.kind)?.(tx, row, answer);
    // Answered: a large body (a transfer's sealed chunks) is not kept a second time here.
    if (row.body.length > 65_536)
      await tx.db
        .updateTable('federation_outbox')
        .set({ body: JSON.stringify({ cleared: row.body.length }) })
        .where('message_id', '=', row.message_id)
        .execute();
  });
}
