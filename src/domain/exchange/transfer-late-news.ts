// News of a transfer that reaches a node after its own copy moved on or closed.
// Each node closes its own copy without waiting for the other: a recall goes ahead here when the
// partner is out of reach while the transfer is on its way, and each node expires transfers by
// its own clock. Meanwhile the recipient may have opened, acknowledged or rejected its copy, and
// the message saying so arrives late (the outbox retries while this node or the link is down).
// Refusing it would leave the two nodes disagreeing for good, and the sender believing the
// records were never opened. The recipient's node decides a recall racing an open (one
// conditional update there), and says when it acted, so its word wins: the sender's copy takes
// the recipient's state, the sender is told, and both logs say it came late.
import type { Tx } from '../../store/store.ts';
import { auditBoth } from './exchange.deps.ts';
import type { ExchangeDeps } from './exchange.deps.ts';
import type { TransferTable } from './exchange.table.ts';
import type { StateMessage } from './transfer-messages.ts';
import { STEPS, advance } from './transfer-states.ts';

/** How far the recipient's clock may be ahead of this one (the federation's message window). */
const CLOCK_ALLOWANCE_MS = 5 * 60_000;
const DAY = 86_400_000;

/** When the recipient's node says it acted, if it says so sensibly (older nodes do not). */
export function actedAt(m: StateMessage): number | undefined {
  if (typeof m.at !== 'string') return undefined;
  const at = Date.parse(m.at);
  return Number.isFinite(at) ? at : undefined;
}

/**
 * On the sender's node, before a recipient's step is applied: a copy closed here that the
 * recipient acted on first is set back to the state the step moves on from. Returns what to
 * record the step as: 'apply' (go on as usual), 'noted' (an open of a copy expired since: both
 * copies are expired now, the open is only recorded) or 'refuse' (the step came after the
 * deadline, or to a copy this node closed for another reason).
 */
export async function lateNews(
  d: ExchangeDeps,
  tx: Tx,
  t: TransferTable,
  m: StateMessage,
  fromNode: string,
): Promise<'apply' | 'noted' | 'refuse'> {
  const at = actedAt(m);
  const madeReady = t.ready_at === null ? NaN : Date.parse(t.ready_at);
  // Only a recall that went ahead while the transfer was on its way (never known delivered here,
  // so never agreed with the partner's node as a recall of a delivered one is), of something
  // acted on after it was made ready.
  const recalled =
    t.state === 'recalled' && t.delivered_at === null && at !== undefined && at >= madeReady;
  // Never told of delivery, this node does not know the recipient's deadline: it is later, but
  // by no more than one expiry period (the chunks went once the copy here expired).
  const period = d.ctx.config.transferExpiryDays * DAY;
  const deadline =
    t.expires_at === null
      ? NaN
      : Date.parse(t.expires_at) + (t.delivered_at === null ? period : 0) + CLOCK_ALLOWANCE_MS;
  const inTime = t.state === 'expired' && at !== undefined && at >= madeReady && at <= deadline;
  if (!recalled && !inTime) return 'refuse';
  const now = d.ctx.clock().getTime();
  const when = new Date(Math.min(at ?? now, now)).toISOString();
  const was = t.state;
  // Opened before the deadline, but not acknowledged by it: the recipient's node expired its copy
  // at the deadline too, so both stay expired; the open is recorded.
  const noted = was === 'expired' && m.step === 'open';
  // The state the step moves on from: a rejection of what was never opened is from delivered.
  const back = m.step === 'open' || (m.step === 'reject' && !t.opened_at) ? 'delivered' : 'opened';
  await tx.db
    .updateTable('transfer')
    .set({
      ...(noted ? {} : { state: back, closed_at: null }),
      // Acknowledged means opened first, though that news was lost or refused here.
      ...(m.step === 'open' || (m.step === 'acknowledge' && !t.opened_at)
        ? { opened_at: when }
        : {}),
      updated_at: d.ctx.clock().toISOString(),
    })
    .where('transfer_id', '=', t.transfer_id)
    .where('state', '=', was)
    .execute();
  auditBoth(d, tx, t, `node:${fromNode}`, 'exchange.transfer.late-news', {
    step: m.step,
    was,
    actedAt: when,
    via: `node:${fromNode}`,
  });
  const short = t.transfer_id.slice(0, 8);
  const org = (await d.orgName(tx, t.recipient_org_id)) ?? t.recipient_org_id;
  const did = `${org} ${STEPS[m.step].to} transfer ${short}`;
  await d.notifications.notify(
    tx,
    t.org_id,
    recalled ? 'recall-overtaken' : 'expiry-overtaken',
    t.transfer_id,
    !recalled
      ? `${did} before its deadline; the news arrived after it expired here.`
      : m.step === 'reject'
        ? `${did} before your recall reached them; nothing of it was kept there.`
        : `Your recall of transfer ${short} did not reach ${org} before they opened it: they hold the records.`,
  );
  if (noted) return 'noted';
  t.state = back;
  return 'apply';
}

/**
 * On the node that reported a step: the partner's node refused it (an acknowledgement after the
 * deadline there, a recall of a copy already opened there). The two nodes now disagree about the
 * transfer, so the party that took the step here is told, and it is in its log.
 */
export async function stateRefused(
  d: ExchangeDeps,
  tx: Tx,
  fromNode: string,
  m: StateMessage,
  error: { code: string; message: string },
): Promise<void> {
  const t = await tx.db
    .selectFrom('transfer')
    .selectAll()
    .where('transfer_id', '=', m.transferId)
    .executeTakeFirst();
  if (!t) return;
  // A recall the partner has nothing for (it never got the offer) holds; one overtaken by the
  // partner's open was told as such when the open arrived (recall-overtaken).
  if (m.step === 'recall' && (error.code === 'NOT_FOUND' || t.state !== 'recalled')) return;
  const orgId = m.step === 'recall' ? t.org_id : t.recipient_org_id;
  const other = m.step === 'recall' ? t.recipient_org_id : t.org_id;
  d.ctx.audit.record(tx, {
    orgId,
    actor: `node:${fromNode}`,
    action: 'exchange.transfer.state-refused',
    target: `transfer:${t.transfer_id}`,
    purpose: t.purpose,
    outcome: 'refused',
    details: { step: m.step, code: error.code, reason: error.message, via: `node:${fromNode}` },
  });
  const org = (await d.orgName(tx, other)) ?? other;
  await d.notifications.notify(
    tx,
    orgId,
    'state-refused',
    t.transfer_id,
    `${org}'s node did not accept that transfer ${t.transfer_id.slice(0, 8)} was ${STEPS[m.step].to} here: ${error.message} Ask them what their copy shows.`,
  );
}

/**
 * On the sender's node, a copy still `ready` that the recipient acted on: the answer that
 * delivered it was lost on the way here (this node stopped first), so the step is the news that
 * it arrived.
 */
export async function deliveredAfterAll(
  d: ExchangeDeps,
  tx: Tx,
  t: TransferTable,
  fromNode: string,
  at: string,
): Promise<void> {
  if (
    !(await advance(
      tx,
      t.transfer_id,
      'deliver',
      { chunks_held: t.chunk_count, delivered_at: at },
      at,
    ))
  )
    return;
  auditBoth(d, tx, t, `node:${fromNode}`, 'exchange.transfer.delivered', {
    from: t.state,
    via: `node:${fromNode}`,
  });
  t.state = 'delivered';
}
