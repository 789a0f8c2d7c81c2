// Working a risk: actions with owners and due dates, reviews, closing, and the appetite the SIRO
// sets per category.
import { randomUUID } from 'node:crypto';
import { AccordError, assertNoProblems } from '../../errors.ts';
import type { Problem } from '../../errors.ts';
import { today } from '../context.ts';
import type { Actor } from '../policy/actor.ts';
import { withAccess } from '../policy/gate.ts';
import { checkChoice, checkDate, checkScale, requireText, text } from './common.ts';
import type { RiskActionTable, RiskTable } from './governance.table.ts';
import { RiskCore } from './risk.base.ts';
import * as repo from './risk.repository.ts';
import { RISK_CATEGORIES } from './risk.view.ts';
import type { Risk } from './risk.view.ts';

export class RiskWork extends RiskCore {
  async addAction(
    actor: Actor,
    riskId: string,
    input: { description: string; ownerId?: string | null; dueOn: string },
  ): Promise<Risk> {
    return withAccess(this.ctx, actor, async (gate) => {
      const risk = await this.load(gate, riskId, 'risks.manage');
      if (risk.status !== 'open') throw new AccordError('CONFLICT', `${risk.ref} is closed.`);
      const problems: Problem[] = [];
      const description = requireText(
        problems,
        'description',
        input.description,
        'Describe the action',
        2000,
      );
      if (input.ownerId && !(await this.people.activePerson(gate.tx, actor.orgId, input.ownerId)))
        problems.push({
          field: 'ownerId',
          message: 'Choose an active person in your organisation',
        });
      const dueOn = checkDate(problems, 'dueOn', input.dueOn, {
        required: true,
        label: 'the due date',
        notBefore: today(this.ctx),
        notBeforeMessage: 'The due date cannot be in the past',
      });
      assertNoProblems(problems);
      const row: RiskActionTable = {
        action_id: randomUUID(),
        org_id: actor.orgId,
        risk_id: riskId,
        description,
        owner_id: input.ownerId || null,
        due_on: dueOn!,
        done_on: null,
        created_by: actor.ref,
        created_at: this.ctx.clock().toISOString(),
      };
      await repo.insertAction(gate.tx, row);
      gate.record('risk.action.added', `risk:${riskId}`, {
        ref: risk.ref,
        actionId: row.action_id,
        description,
        dueOn,
      });
      return (await this.views(gate.tx, gate.actor.orgId, [risk], true))[0]!;
    });
  }

  async completeAction(actor: Actor, riskId: string, actionId: string): Promise<Risk> {
    return withAccess(this.ctx, actor, async (gate) => {
      const risk = await this.load(gate, riskId, 'risks.manage');
      const action = (await repo.actions(gate.tx, actor.orgId, riskId)).find(
        (a) => a.action_id === actionId,
      );
      if (!action) throw new AccordError('NOT_FOUND', 'That risk has no such action.');
      if (action.done_on) throw new AccordError('CONFLICT', 'That action is already done.');
      await repo.completeAction(gate.tx, actor.orgId, actionId, today(this.ctx));
      gate.record('risk.action.done', `risk:${riskId}`, {
        ref: risk.ref,
        actionId,
        description: action.description,
      });
      return (await this.views(gate.tx, gate.actor.orgId, [risk], true))[0]!;
    });
  }

  /** Records a review: the scores as they stand now and the next review date. */
  async review(
    actor: Actor,
    riskId: string,
    input: {
      nextReviewOn: string;
      residualLikelihood?: number | null;
      residualImpact?: number | null;
      note?: string;
    },
  ): Promise<Risk> {
    return withAccess(this.ctx, actor, async (gate) => {
      const risk = await this.load(gate, riskId, 'risks.manage');
      if (risk.status !== 'open') throw new AccordError('CONFLICT', `${risk.ref} is closed.`);
      const problems: Problem[] = [];
      const next = checkDate(problems, 'nextReviewOn', input.nextReviewOn, {
        required: true,
        label: 'the next review date',
        notBefore: today(this.ctx),
        notBeforeMessage: 'The next review date cannot be in the past',
      });
      const set: Partial<RiskTable> = { review_on: next!, last_reviewed_on: today(this.ctx) };
      if (input.residualLikelihood != null || input.residualImpact != null) {
        set.residual_likelihood = checkScale(
          problems,
          'residualLikelihood',
          input.residualLikelihood,
          5,
          'residual likelihood',
        );
        set.residual_impact = checkScale(
          problems,
          'residualImpact',
          input.residualImpact,
          5,
          'residual impact',
        );
        if (
          set.residual_likelihood * set.residual_impact >
          risk.inherent_likelihood * risk.inherent_impact
        )
          problems.push({
            field: 'residualLikelihood',
            message: 'The residual score cannot be higher than the inherent score',
          });
      }
      assertNoProblems(problems);
      await repo.update(gate.tx, actor.orgId, riskId, {
        ...set,
        updated_by: actor.ref,
        updated_at: this.ctx.clock().toISOString(),
      });
      gate.record('risk.reviewed', `risk:${riskId}`, {
        ref: risk.ref,
        ...set,
        note: text(input.note),
      });
      return (await this.views(gate.tx, gate.actor.orgId, [{ ...risk, ...set }], true))[0]!;
    });
  }

  async close(actor: Actor, riskId: string, reason: string): Promise<Risk> {
    return withAccess(this.ctx, actor, async (gate) => {
      const risk = await this.load(gate, riskId, 'risks.manage');
      if (risk.status !== 'open')
        throw new AccordError('CONFLICT', `${risk.ref} is already closed.`);
      const problems: Problem[] = [];
      const why = requireText(problems, 'reason', reason, 'Say why the risk is closed', 2000);
      assertNoProblems(problems);
      const set = {
        status: 'closed',
        closed_reason: why,
        updated_by: actor.ref,
        updated_at: this.ctx.clock().toISOString(),
      };
      await repo.update(gate.tx, actor.orgId, riskId, set);
      gate.record('risk.closed', `risk:${riskId}`, { ref: risk.ref, reason: why });
      return (await this.views(gate.tx, gate.actor.orgId, [{ ...risk, ...set }], true))[0]!;
    });
  }

  async appetite(actor: Actor): Promise<{ category: string; maxScore: number | null }[]> {
    return withAccess(this.ctx, actor, async (gate) => {
      gate.require('governance.read', { orgId: actor.orgId, ref: 'risk-appetite' });
      const set = new Map(
        (await repo.appetite(gate.tx, actor.orgId)).map((a) => [a.category, a.max_score]),
      );
      return RISK_CATEGORIES.map((c) => ({ category: c, maxScore: set.get(c) ?? null }));
    });
  }

  /** The SIRO sets the highest residual score accepted in each category (1–25). */
  async setAppetite(
    actor: Actor,
    input: { category: string; maxScore: number }[],
  ): Promise<{ category: string; maxScore: number | null }[]> {
    await withAccess(this.ctx, actor, async (gate) => {
      gate.require('risks.appetite', { orgId: actor.orgId, ref: 'risk-appetite' });
      const problems: Problem[] = [];
      for (const [i, a] of input.entries()) {
        checkChoice(
          problems,
          `appetite[${i}].category`,
          a.category,
          RISK_CATEGORIES,
          `Choose a category: ${RISK_CATEGORIES.join(', ')}`,
        );
        checkScale(
          problems,
          `appetite[${i}].maxScore`,
          a.maxScore,
          25,
          `the appetite for ${a.category}`,
        );
      }
      assertNoProblems(problems);
      const at = this.ctx.clock().toISOString();
      for (const a of input)
        await repo.putAppetite(gate.tx, {
          org_id: actor.orgId,
          category: a.category,
          max_score: a.maxScore,
          set_by: actor.ref,
          set_at: at,
        });
      gate.record('risk.appetite.set', 'risk-appetite', { appetite: input });
    });
    return this.appetite(actor);
  }
}
