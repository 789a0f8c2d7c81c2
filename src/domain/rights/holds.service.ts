// Legal holds: a record, every record about a subject, or a whole asset kept whatever retention
// or an erasure request would otherwise do (litigation, an inquiry, a regulator's instruction).
// Set and lifted with a reason, both audited; a lifted hold stays on the register.
import { AccordError, assertNoProblems } from '../../errors.ts';
import type { Problem } from '../../errors.ts';
import type { Executor } from '../../store/store.ts';
import type { DomainContext } from '../context.ts';
import { uuid7 } from '../ids.ts';
import type { Actor } from '../policy/actor.ts';
import { withAccess } from '../policy/gate.ts';
import type { LegalHoldTable } from './rights.table.ts';

export const HOLD_SCOPES = ['record', 'subject', 'asset'] as const;
export type HoldScope = (typeof HOLD_SCOPES)[number];
export const HOLD_SCOPE_LABELS: Record<HoldScope, string> = {
  record: 'One record',
  subject: 'Every record about a subject',
  asset: 'Every record in an asset',
};

export interface LegalHold {
  id: string;
  scope: HoldScope;
  targetId: string;
  reason: string;
  setBy: string;
  setAt: string;
  active: boolean;
  liftedBy: string | null;
  liftedAt: string | null;
  liftReason: string | null;
}

/** The active holds of an organisation, to test rows against in memory. */
export class HeldSet {
  private readonly by = new Map<string, string>();
  constructor(holds: readonly LegalHoldTable[]) {
    for (const h of holds) if (!h.lifted_at) this.by.set(`${h.scope}:${h.target_id}`, h.reason);
  }
  get size(): number {
    return this.by.size;
  }
  /** The reason a record is held, or null. */
  reason(r: { record_id: string; subject_id: string; asset_id: string }): string | null {
    if (this.by.size === 0) return null;
    return (
      this.by.get(`record:${r.record_id}`) ??
      this.by.get(`subject:${r.subject_id}`) ??
      this.by.get(`asset:${r.asset_id}`) ??
      null
    );
  }
}

const toHold = (h: LegalHoldTable): LegalHold => ({
  id: h.hold_id,
  scope: h.scope as HoldScope,
  targetId: h.target_id,
  reason: h.reason,
  setBy: h.set_by,
  setAt: h.set_at,
  active: h.lifted_at === null,
  liftedBy: h.lifted_by,
  liftedAt: h.lifted_at,
  liftReason: h.lift_reason,
});

export class HoldsService {
  constructor(private readonly ctx: DomainContext) {}

  async held(ex: Executor, orgId: string): Promise<HeldSet> {
    return new HeldSet(
      await ex.db
        .selectFrom('legal_hold')
        .selectAll()
        .where('org_id', '=', orgId)
        .where('lifted_at', 'is', null)
        .execute(),
    );
  }

  async list(actor: Actor): Promise<LegalHold[]> {
    return withAccess(this.ctx, actor, async (gate) => {
      gate.require('retention.read', { orgId: actor.orgId, ref: 'legal-holds' });
      const rows = await gate.tx.db
        .selectFrom('legal_hold')
        .selectAll()
        .where('org_id', '=', actor.orgId)
        .orderBy('set_at', 'desc')
        .execute();
      return rows.map(toHold);
    });
  }

  async set(
    actor: Actor,
    input: { scope: string; targetId: string; reason: string },
  ): Promise<LegalHold> {
    return withAccess(this.ctx, actor, async (gate) => {
      gate.require('holds.manage', { orgId: actor.orgId, ref: 'legal-holds' });
      const problems: Problem[] = [];
      const scope = input.scope as HoldScope;
      if (!HOLD_SCOPES.includes(scope))
        problems.push({ field: 'scope', message: 'Choose what the hold covers' });
      if (!input.reason?.trim())
        problems.push({ field: 'reason', message: 'Say why the records must be kept' });
      assertNoProblems(problems, 'The hold cannot be set.');
      const targetId = (input.targetId ?? '').trim();
      const exists =
        scope === 'asset'
          ? await gate.tx.db
              .selectFrom('information_asset')
              .select('asset_id')
              .where('org_id', '=', actor.orgId)
              .where('asset_id', '=', targetId)
              .executeTakeFirst()
          : await gate.tx.db
              .selectFrom('record')
              .select('record_id')
              .where('org_id', '=', actor.orgId)
              .where(scope === 'record' ? 'record_id' : 'subject_id', '=', targetId)
              .limit(1)
              .executeTakeFirst();
      if (!exists)
        throw new AccordError('VALIDATION_FAILED', 'There is nothing to hold.', [
          { field: 'targetId', message: `There is no ${scope} with that id in your organisation` },
        ]);
      const row: LegalHoldTable = {
        hold_id: uuid7(),
        org_id: actor.orgId,
        scope,
        target_id: targetId,
        reason: input.reason.trim(),
        set_by: actor.ref,
        set_at: this.ctx.clock().toISOString(),
        lifted_by: null,
        lifted_at: null,
        lift_reason: null,
      };
      await gate.tx.db.insertInto('legal_hold').values(row).execute();
      gate.record('retention.hold.set', `hold:${row.hold_id}`, {
        scope,
        target: targetId,
        reason: row.reason,
      });
      return toHold(row);
    });
  }

  async lift(actor: Actor, holdId: string, reason: string): Promise<LegalHold> {
    return withAccess(this.ctx, actor, async (gate) => {
      const h = await gate.tx.db
        .selectFrom('legal_hold')
        .selectAll()
        .where('hold_id', '=', holdId)
        .executeTakeFirst();
      gate.require('holds.manage', { orgId: h?.org_id ?? '', ref: `hold:${holdId}` });
      if (h!.lifted_at) throw new AccordError('CONFLICT', 'The hold has already been lifted.');
      if (!reason?.trim())
        throw new AccordError('VALIDATION_FAILED', 'Say why the hold is lifted', [
          { field: 'reason', message: 'Say why the records no longer need to be kept' },
        ]);
      const at = this.ctx.clock().toISOString();
      await gate.tx.db
        .updateTable('legal_hold')
        .set({ lifted_at: at, lifted_by: actor.ref, lift_reason: reason.trim() })
        .where('hold_id', '=', holdId)
        .execute();
      gate.record('retention.hold.lifted', `hold:${holdId}`, {
        scope: h!.scope,
        target: h!.target_id,
        reason: reason.trim(),
      });
      return toHold({ ...h!, lifted_at: at, lifted_by: actor.ref, lift_reason: reason.trim() });
    });
  }
}
