// Overrides of variances: a person with the right role records that a variance is explained, or
// that the list's status is wrong, with a justification (refused, and audited, without one) and
// evidence. Each override is a new version; the previous stays in the history. An override that
// changes who is eligible (status to or from current) waits for a second person's approval —
// the duty pair "override / second-approval" — and the requester can never approve their own.
import { AccordError } from '../../errors.ts';
import type { Problem } from '../../errors.ts';
import type { DomainContext } from '../context.ts';
import { uuid7 } from '../ids.ts';
import type { Actor } from '../policy/actor.ts';
import { withAccess } from '../policy/gate.ts';
import type { Gate } from '../policy/gate.ts';
import * as repo from './reconcile.repository.ts';
import { PURPOSE } from './reconcile.service.ts';
import type { Override } from './reconcile.view.ts';
import { toOverride } from './reconcile.view.ts';
import type { VariancesService } from './variances.service.ts';

export const MEMBER_STATUSES = ['current', 'lapsed', 'resigned', 'expelled'] as const;

export interface OverrideInput {
  decision?: string;
  newStatus?: string;
  justification?: string;
  evidence?: string;
}

export interface ApprovalInput {
  approve?: boolean;
  note?: string;
}

/** The segregation-of-duties check, from the roles module. */
export type AssertSeparate = (
  gate: Gate,
  target: string,
  a: { duty: string; personId: string },
  b: { duty: string; personId: string },
) => Promise<void>;

const personOf = (actor: Actor): string =>
  actor.personId ? `person:${actor.personId}` : actor.ref;

function problemsOf(input: OverrideInput): Problem[] {
  const p: Problem[] = [];
  const justification = input.justification?.trim() ?? '';
  if (!justification)
    p.push({
      field: 'justification',
      message: 'Give the justification for the override: why the records are right or wrong',
    });
  else if (justification.length > 2000)
    p.push({ field: 'justification', message: 'Keep the justification under 2,000 characters' });
  if ((input.evidence ?? '').length > 2000)
    p.push({ field: 'evidence', message: 'Keep the evidence under 2,000 characters' });
  if (input.decision !== 'explained' && input.decision !== 'set-status')
    p.push({
      field: 'decision',
      message: 'Choose whether the variance is explained or the status on the list is wrong',
    });
  if (
    input.decision === 'set-status' &&
    !(MEMBER_STATUSES as readonly string[]).includes(input.newStatus ?? '')
  )
    p.push({
      field: 'newStatus',
      message: `Choose the right status: ${MEMBER_STATUSES.join(', ')}`,
    });
  return p;
}

export class OverridesService {
  constructor(
    private readonly ctx: DomainContext,
    private readonly variances: VariancesService,
    private readonly assertSeparate: AssertSeparate,
  ) {}

  async override(actor: Actor, varianceId: string, input: OverrideInput): Promise<Override> {
    return withAccess(this.ctx, actor, async (gate) => {
      const v = await repo.variance(gate.tx, varianceId);
      const target = `reconcile-variance:${varianceId}`;
      gate.require(
        'reconcile.override',
        { orgId: v?.org_id ?? '', ref: target },
        { purpose: PURPOSE },
      );
      const problems = problemsOf(input);
      const [variance] = await this.variances.reveal(gate.tx, [v!]);
      if (input.decision === 'set-status' && !variance!.a)
        problems.push({
          field: 'decision',
          message: 'This variance has nobody on the list whose status could be set',
        });
      if (problems.length)
        gate.refuse(
          new AccordError('VALIDATION_FAILED', 'The override was refused.', problems),
          'reconcile.override',
          target,
          { problems: problems.map((p) => p.message) },
          PURPOSE,
        );
      if (v!.state === 'awaiting-approval')
        throw new AccordError(
          'CONFLICT',
          'An override of this variance is waiting for approval: approve or reject it first.',
        );
      const history = await repo.overridesOf(gate.tx, varianceId);
      const eligible = (s: string | undefined | null) => s === 'current';
      const changesEligibility =
        input.decision === 'set-status' &&
        eligible(input.newStatus) !== eligible(variance!.a?.status.toLowerCase());
      const at = this.ctx.clock().toISOString();
      const row = {
        override_id: uuid7(),
        org_id: actor.orgId,
        run_id: v!.run_id,
        variance_id: varianceId,
        version: (history[0]?.version ?? 0) + 1,
        decision: input.decision!,
        new_status: input.decision === 'set-status' ? input.newStatus! : null,
        changes_eligibility: changesEligibility ? 1 : 0,
        justification: input.justification!.trim(),
        evidence: input.evidence?.trim() ?? '',
        state: changesEligibility ? 'awaiting-approval' : 'in-force',
        requested_by: personOf(actor),
        requested_at: at,
        decided_by: null,
        decided_at: null,
        decision_note: null,
      };
      if (!changesEligibility) await this.supersede(gate, history);
      await repo.insertOverride(gate.tx, row);
      await repo.setVarianceState(
        gate.tx,
        varianceId,
        changesEligibility ? 'awaiting-approval' : 'overridden',
        at,
      );
      gate.record(
        changesEligibility ? 'reconcile.override.requested' : 'reconcile.override.applied',
        `reconcile-override:${row.override_id}`,
        {
          variance: varianceId,
          run: v!.run_id,
          version: row.version,
          decision: row.decision,
          newStatus: row.new_status,
          changesEligibility,
          justification: row.justification,
          evidence: row.evidence,
        },
        'ok',
        PURPOSE,
      );
      return toOverride(row);
    });
  }

  private async supersede(gate: Gate, history: { override_id: string; state: string }[]) {
    for (const h of history)
      if (h.state === 'in-force')
        await repo.updateOverride(gate.tx, h.override_id, { state: 'superseded' });
  }

  /** A second person approves (or rejects, with a reason) an override that changes eligibility. */
  async decide(actor: Actor, overrideId: string, input: ApprovalInput): Promise<Override> {
    return withAccess(this.ctx, actor, async (gate) => {
      const o = await repo.override(gate.tx, overrideId);
      const target = `reconcile-override:${overrideId}`;
      gate.require(
        'reconcile.approve',
        { orgId: o?.org_id ?? '', ref: target },
        { purpose: PURPOSE },
      );
      if (typeof input.approve !== 'boolean')
        throw new AccordError('VALIDATION_FAILED', 'Approve or reject the override.', [
          { field: 'approve', message: 'Choose whether to approve or reject the override' },
        ]);
      const note = input.note?.trim() ?? '';
      if (!input.approve && !note)
        throw new AccordError('VALIDATION_FAILED', 'Say why the override is rejected.', [
          { field: 'note', message: 'Say why you reject the override' },
        ]);
      if (o!.state !== 'awaiting-approval')
        throw new AccordError('CONFLICT', 'This override is not waiting for approval.');
      const requester = o!.requested_by.replace(/^person:/, '');
      const approver = actor.personId ?? actor.ref;
      await this.assertSeparate(
        gate,
        target,
        { duty: 'override', personId: requester },
        { duty: 'second-approval', personId: approver },
      );
      // Whatever the rules say, the second person is a second person.
      if (requester === approver)
        gate.refuse(
          new AccordError(
            'SOD_CONFLICT',
            'You made this override, so someone else must approve it: it changes who is eligible.',
          ),
          'duty.second-approval',
          target,
          { duties: ['override', 'second-approval'] },
          PURPOSE,
        );
      const at = this.ctx.clock().toISOString();
      const history = await repo.overridesOf(gate.tx, o!.variance_id);
      if (input.approve) await this.supersede(gate, history);
      const set = {
        state: input.approve ? 'in-force' : 'rejected',
        decided_by: personOf(actor),
        decided_at: at,
        decision_note: note || null,
      };
      await repo.updateOverride(gate.tx, overrideId, set);
      const stillInForce = history.some((h) => h.state === 'in-force');
      await repo.setVarianceState(
        gate.tx,
        o!.variance_id,
        input.approve || stillInForce ? 'overridden' : 'open',
        at,
      );
      gate.record(
        input.approve ? 'reconcile.override.approved' : 'reconcile.override.rejected',
        target,
        { variance: o!.variance_id, version: o!.version, note: note || null },
        'ok',
        PURPOSE,
      );
      return toOverride({ ...o!, ...set });
    });
  }

  /** Overrides waiting for a second person, oldest first. */
  async awaiting(actor: Actor): Promise<Override[]> {
    return withAccess(this.ctx, actor, async (gate) => {
      gate.require('reconcile.read', { orgId: actor.orgId, ref: 'reconcile-overrides' });
      return (await repo.awaitingApproval(gate.tx, actor.orgId)).map(toOverride);
    });
  }
}
