// Correction notices (UK GDPR Art. 19), both ways: the sender's list with each partner's
// acknowledgement state, the recipient's inbox, applying or disputing a notice, and marking
// notices overdue when a partner has not answered in time. Sending happens in propagate.ts,
// inside the rectification, erasure or restriction that calls for it.
import { AccordError, assertNoProblems } from '../../errors.ts';
import type { Executor, Tx } from '../../store/store.ts';
import type { ExchangeFederation } from '../exchange/delivery.ts';
import { keyDestroyed } from '../exchange/envelope.ts';
import { nodeActor } from '../policy/actor.ts';
import type { Actor } from '../policy/actor.ts';
import { withAccess } from '../policy/gate.ts';
import type { Gate } from '../policy/gate.ts';
import { applyNotice, openFor, receivedNotice, stateError } from './corrections.apply.ts';
import { tellDelayed } from './corrections-delayed.ts';
import { RemoteCorrections } from './corrections-remote.ts';
import { auditBoth } from './corrections.deps.ts';
import type { CorrectionsDeps } from './corrections.deps.ts';
import type { CorrectionNoticeTable } from './corrections.table.ts';
import { OPEN_STATES, toNotice } from './corrections.view.ts';
import type { CorrectionNotice } from './corrections.view.ts';

export type { CorrectionNotice } from './corrections.view.ts';

export class CorrectionsService {
  /** What federation delivers to and from this module. */
  readonly remote: RemoteCorrections;

  constructor(private readonly d: CorrectionsDeps) {
    this.remote = new RemoteCorrections(d);
  }

  /** The outbox gave up on a notice or an answer to a partner: its sender is told. */
  delayed(
    tx: Tx,
    kind: 'correction.notice' | 'correction.answered',
    noticeId: string,
    error: { code: string },
    ranOut: boolean,
  ): Promise<void> {
    return tellDelayed(this.d, tx, kind, noticeId, error, ranOut);
  }

  /** Connects partner nodes (called once by the federation module). */
  useFederation(f: ExchangeFederation): void {
    this.d.federation = f;
    this.d.exchangeKeys.remote = (ex, orgId) => f.exchangeKeyOf(ex, orgId);
  }

  private async names(ex: Executor, ids: readonly string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (const id of new Set(ids)) out.set(id, (await this.d.orgName(ex, id)) ?? id);
    return out;
  }

  private async views(gate: Gate, rows: CorrectionNoticeTable[]): Promise<CorrectionNotice[]> {
    const me = gate.actor.orgId;
    const partner = (r: CorrectionNoticeTable): string =>
      r.org_id === me ? r.recipient_org_id : r.org_id;
    const names = await this.names(gate.tx, rows.map(partner));
    return rows.map((r) => toNotice(r, me, names.get(partner(r))!));
  }

  /** The notices the organisation sent (with partners' states) or received (its inbox), newest first. */
  async list(
    actor: Actor,
    direction: 'sent' | 'received',
    opts: { state?: string; limit?: number } = {},
  ): Promise<CorrectionNotice[]> {
    return withAccess(this.d.ctx, actor, async (gate) => {
      gate.require('exchange.read', { orgId: actor.orgId, ref: `corrections:${direction}` });
      let q = gate.tx.db
        .selectFrom('correction_notice')
        .selectAll()
        .where(direction === 'sent' ? 'org_id' : 'recipient_org_id', '=', actor.orgId)
        .orderBy('created_at', 'desc')
        .orderBy('notice_id', 'desc')
        .limit(Math.min(Math.max(opts.limit ?? 200, 1), 1000));
      if (opts.state) q = q.where('state', '=', opts.state);
      return this.views(gate, await q.execute());
    });
  }

  /**
   * One notice. Its recipient (with the right to receive) sees what changed, opened from the
   * seal; its sender sees the partner's state. Anyone else: nothing here.
   */
  async get(actor: Actor, id: string): Promise<CorrectionNotice> {
    return withAccess(this.d.ctx, actor, async (gate) => {
      const n = await gate.tx.db
        .selectFrom('correction_notice')
        .selectAll()
        .where('notice_id', '=', id)
        .executeTakeFirst();
      if (n && n.org_id === actor.orgId) {
        gate.require('exchange.read', { orgId: n.org_id, ref: `correction:${id}` });
        return (await this.views(gate, [n]))[0]!;
      }
      const mine = await receivedNotice(gate, id);
      const contents = await openFor(this.d, gate, mine).catch((e: unknown) => {
        // Answered long ago and its key since destroyed: the decision stands, the contents are gone.
        if (keyDestroyed(e) && !OPEN_STATES.includes(mine.state)) return undefined;
        throw e;
      });
      const from = (await this.d.orgName(gate.tx, mine.org_id)) ?? mine.org_id;
      return toNotice(mine, actor.orgId, from, contents);
    });
  }

  /** The notices a subject request led to, for its timeline. */
  async forRequest(actor: Actor, requestId: string): Promise<CorrectionNotice[]> {
    return withAccess(this.d.ctx, actor, async (gate) => {
      const request = await gate.tx.db
        .selectFrom('subject_request')
        .select('org_id')
        .where('request_id', '=', requestId)
        .executeTakeFirst();
      gate.require('rights.read', { orgId: request?.org_id ?? '', ref: `request:${requestId}` });
      if (!request || request.org_id !== actor.orgId) throw new AccordError('NOT_FOUND');
      const rows = await gate.tx.db
        .selectFrom('correction_notice')
        .selectAll()
        .where('org_id', '=', actor.orgId)
        .where('request_id', '=', requestId)
        .orderBy('created_at')
        .orderBy('notice_id')
        .execute();
      return this.views(gate, rows);
    });
  }

  /** Applies it to the recipient's copy and acknowledges it; a forged notice is refused in both logs. */
  async apply(actor: Actor, id: string): Promise<CorrectionNotice> {
    try {
      return await applyNotice(this.d, actor, id, this.remote);
    } catch (e) {
      if (e instanceof AccordError && e.code === 'TRANSFER_TAMPERED') {
        const n = await this.d.ctx.store.db
          .selectFrom('correction_notice')
          .selectAll()
          .where('notice_id', '=', id)
          .executeTakeFirst();
        if (n && n.recipient_org_id === actor.orgId)
          await this.d.ctx.store.transaction(async (tx) =>
            auditBoth(
              this.d,
              tx,
              n,
              actor.ref,
              'corrections.verification-failed',
              { code: e.code, reason: e.message },
              'refused',
            ),
          );
      }
      throw e;
    }
  }

  /** The recipient says it will not apply it, and why; the sender is told. */
  async dispute(actor: Actor, id: string, reason: string): Promise<CorrectionNotice> {
    const why = reason?.trim() ?? '';
    if (!why)
      assertNoProblems([{ field: 'reason', message: 'Say why you dispute the correction' }]);
    return withAccess(this.d.ctx, actor, async (gate) => {
      const tx = gate.tx;
      const n = await receivedNotice(gate, id);
      const target = `correction:${id}`;
      const at = this.d.ctx.clock().toISOString();
      const moved = await tx.db
        .updateTable('correction_notice')
        .set({
          state: 'disputed',
          reason: why.slice(0, 1000),
          closed_by: actor.ref,
          closed_at: at,
          updated_at: at,
        })
        .where('notice_id', '=', id)
        .where('state', 'in', OPEN_STATES)
        .executeTakeFirst();
      if (Number(moved.numUpdatedRows) !== 1)
        gate.refuse(
          stateError(n.state),
          'corrections.dispute',
          target,
          { state: n.state },
          n.purpose,
        );
      auditBoth(this.d, tx, n, actor.ref, 'corrections.disputed', { reason: why.slice(0, 1000) });
      const by = (await this.d.orgName(tx, n.recipient_org_id)) ?? n.recipient_org_id;
      // A sender on another node is told there (its node notifies it and updates its timeline).
      const away = await this.remote.answer(tx, n, {
        state: 'disputed',
        reason: why.slice(0, 1000),
        done: null,
        closedBy: actor.ref,
      });
      if (!away)
        await this.d.notifications.notify(
          tx,
          n.org_id,
          'correction-disputed',
          n.transfer_id,
          `${by} disputed your correction to transfer ${n.transfer_id.slice(0, 8)} line ${n.line}: ${why}`,
        );
      if (n.request_id)
        await this.d.requestEvent(
          tx,
          n.org_id,
          n.request_id,
          actor.ref,
          'correction-disputed',
          `${by} disputed the correction notice (transfer ${n.transfer_id.slice(0, 8)} line ${n.line}): ${why}`,
        );
      const row = await tx.db
        .selectFrom('correction_notice')
        .selectAll()
        .where('notice_id', '=', id)
        .executeTakeFirstOrThrow();
      return toNotice(row, actor.orgId, (await this.d.orgName(tx, n.org_id)) ?? n.org_id);
    });
  }

  /** Marks notices past their deadline overdue, telling each sender; returns how many. */
  async markOverdue(): Promise<number> {
    const now = this.d.ctx.clock().toISOString();
    const due = await this.d.ctx.store.db
      .selectFrom('correction_notice')
      .selectAll()
      .where('state', '=', 'sent')
      .where('due_at', '<=', now)
      .execute();
    let n = 0;
    for (const row of due)
      await this.d.ctx.store.transaction(async (tx) => {
        const moved = await tx.db
          .updateTable('correction_notice')
          .set({ state: 'overdue', updated_at: now })
          .where('notice_id', '=', row.notice_id)
          .where('state', '=', 'sent')
          .executeTakeFirst();
        if (Number(moved.numUpdatedRows) !== 1) return;
        n++;
        auditBoth(this.d, tx, row, nodeActor(row.org_id).ref, 'corrections.overdue', {
          deadline: row.due_at,
        });
        // A sender on another node is told by its own node's sweep, not here.
        if (await this.d.federation.nodeOf(tx, row.org_id)) return;
        const to = (await this.d.orgName(tx, row.recipient_org_id)) ?? row.recipient_org_id;
        await this.d.notifications.notify(
          tx,
          row.org_id,
          'correction-overdue',
          row.transfer_id,
          `${to} has not applied or disputed your correction to transfer ${row.transfer_id.slice(0, 8)} line ${row.line}, due ${row.due_at.slice(0, 10)}.`,
        );
      });
    return n;
  }
}
