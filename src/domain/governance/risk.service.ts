// The risk register: risks with an owner, a category, likelihood and impact on 5-point scales
// (inherent and residual), a treatment with actions and due dates, a review date, the appetite
// per category, and links to vendors, DPIAs, assets and applications. Actions, reviews and the
// appetite are in risk.work.ts.
import { randomUUID } from 'node:crypto';
import { AccordError, assertNoProblems } from '../../errors.ts';
import type { Problem } from '../../errors.ts';
import { today } from '../context.ts';
import type { Actor } from '../policy/actor.ts';
import { withAccess } from '../policy/gate.ts';
import type { Executor } from '../../store/store.ts';
import type { Gate } from '../policy/gate.ts';
import { checkChoice, checkDate, checkScale, requireText, text } from './common.ts';
import type { RiskTable } from './governance.table.ts';
import { linksTo, nextNumber } from './governance.repository.ts';
import * as repo from './risk.repository.ts';
import { RISK_CATEGORIES, TREATMENTS } from './risk.view.ts';
import { RiskWork } from './risk.work.ts';
import type { Risk } from './risk.view.ts';
import type { LinkInput } from './links.ts';

export interface RiskInput {
  title: string;
  description: string;
  category: string;
  ownerId: string;
  inherentLikelihood: number;
  inherentImpact: number;
  residualLikelihood?: number | null;
  residualImpact?: number | null;
  treatment?: string | null;
  treatmentNotes?: string;
  reviewOn: string;
  links?: LinkInput[];
}

export class RiskService extends RiskWork {
  private async check(
    gate: Gate,
    input: RiskInput,
    existing?: RiskTable,
  ): Promise<Partial<RiskTable>> {
    const problems: Problem[] = [];
    const orgId = gate.actor.orgId;
    const title = requireText(problems, 'title', input.title, 'Enter a title for the risk', 200);
    const description = requireText(
      problems,
      'description',
      input.description,
      'Describe the risk: cause, event and consequence',
    );
    const category = checkChoice(
      problems,
      'category',
      input.category,
      RISK_CATEGORIES,
      `Choose a category: ${RISK_CATEGORIES.join(', ')}`,
    );
    if (!input.ownerId || !(await this.people.activePerson(gate.tx, orgId, input.ownerId)))
      problems.push({
        field: 'ownerId',
        message: 'Choose an owner: an active person in your organisation',
      });
    const il = checkScale(
      problems,
      'inherentLikelihood',
      input.inherentLikelihood,
      5,
      'inherent likelihood',
    );
    const ii = checkScale(problems, 'inherentImpact', input.inherentImpact, 5, 'inherent impact');
    const hasResidual =
      (input.residualLikelihood ?? null) !== null || (input.residualImpact ?? null) !== null;
    let rl: number | null = null;
    let ri: number | null = null;
    if (hasResidual) {
      rl = checkScale(
        problems,
        'residualLikelihood',
        input.residualLikelihood,
        5,
        'residual likelihood',
      );
      ri = checkScale(problems, 'residualImpact', input.residualImpact, 5, 'residual impact');
      if (rl && ri && il && ii && rl * ri > il * ii)
        problems.push({
          field: 'residualLikelihood',
          message: `The residual score (${rl * ri}) cannot be higher than the inherent score (${il * ii})`,
        });
    }
    const treatment = input.treatment
      ? checkChoice(
          problems,
          'treatment',
          input.treatment,
          TREATMENTS,
          'Choose a treatment: treat, tolerate, transfer or terminate',
        )
      : null;
    if (treatment && treatment !== 'treat' && !text(input.treatmentNotes))
      problems.push({
        field: 'treatmentNotes',
        message: `Explain the decision to ${treatment} the risk`,
      });
    const reviewChanged = !existing || input.reviewOn !== existing.review_on;
    const reviewOn = checkDate(problems, 'reviewOn', input.reviewOn, {
      required: true,
      label: 'the review date',
      ...(reviewChanged
        ? { notBefore: today(this.ctx), notBeforeMessage: 'The review date cannot be in the past' }
        : {}),
    });
    const links = input.links ?? [];
    problems.push(...(await this.links.check(gate.tx, orgId, links)));
    assertNoProblems(problems);
    return {
      title,
      description,
      category: category!,
      owner_id: input.ownerId,
      inherent_likelihood: il,
      inherent_impact: ii,
      residual_likelihood: rl,
      residual_impact: ri,
      treatment,
      treatment_notes: text(input.treatmentNotes),
      review_on: reviewOn!,
    };
  }

  async list(actor: Actor, f: { status?: string; category?: string } = {}): Promise<Risk[]> {
    return withAccess(this.ctx, actor, async (gate) => {
      gate.require('governance.read', { orgId: actor.orgId, ref: 'risks' });
      return this.views(gate.tx, gate.actor.orgId, await repo.list(gate.tx, actor.orgId, f), false);
    });
  }

  async get(actor: Actor, riskId: string): Promise<Risk> {
    return withAccess(this.ctx, actor, async (gate) => {
      const row = await this.load(gate, riskId, 'governance.read');
      return (await this.views(gate.tx, gate.actor.orgId, [row], true))[0]!;
    });
  }

  async create(actor: Actor, input: RiskInput): Promise<Risk> {
    return withAccess(this.ctx, actor, async (gate) => {
      gate.require('risks.manage', { orgId: actor.orgId, ref: 'risks' });
      const fields = await this.check(gate, input);
      const now = this.ctx.clock().toISOString();
      const n = await nextNumber(gate.tx, actor.orgId, 'risk');
      const row = {
        risk_id: randomUUID(),
        org_id: actor.orgId,
        ref: `R-${String(n).padStart(3, '0')}`,
        ...fields,
        last_reviewed_on: null,
        status: 'open',
        closed_reason: null,
        created_by: actor.ref,
        created_at: now,
        updated_by: actor.ref,
        updated_at: now,
      } as RiskTable;
      await repo.insert(gate.tx, row);
      await this.links.replace(
        gate.tx,
        actor.orgId,
        'risk',
        row.risk_id,
        input.links ?? [],
        actor.ref,
        now,
      );
      gate.record('risk.created', `risk:${row.risk_id}`, {
        ref: row.ref,
        ...fields,
        links: input.links ?? [],
      });
      return (await this.views(gate.tx, gate.actor.orgId, [row], true))[0]!;
    });
  }

  async update(actor: Actor, riskId: string, input: RiskInput): Promise<Risk> {
    return withAccess(this.ctx, actor, async (gate) => {
      const before = await this.load(gate, riskId, 'risks.manage');
      if (before.status !== 'open') throw new AccordError('CONFLICT', `${before.ref} is closed.`);
      const fields = await this.check(gate, input, before);
      const now = this.ctx.clock().toISOString();
      await repo.update(gate.tx, actor.orgId, riskId, {
        ...fields,
        updated_by: actor.ref,
        updated_at: now,
      });
      if (input.links)
        await this.links.replace(gate.tx, actor.orgId, 'risk', riskId, input.links, actor.ref, now);
      const after = { ...before, ...fields, updated_at: now };
      gate.record('risk.updated', `risk:${riskId}`, {
        ref: before.ref,
        before,
        after: fields,
        links: input.links,
      });
      return (await this.views(gate.tx, gate.actor.orgId, [after], true))[0]!;
    });
  }

  /** Open and closed risks that link to a record (a vendor's or a DPIA's page lists them). */
  async linkingTo(
    actor: Actor,
    kind: string,
    id: string,
  ): Promise<{ id: string; ref: string; title: string; status: string }[]> {
    return withAccess(this.ctx, actor, async (gate) => {
      gate.require('governance.read', { orgId: actor.orgId, ref: `${kind}:${id}` });
      const out: { id: string; ref: string; title: string; status: string }[] = [];
      for (const l of await linksTo(gate.tx, actor.orgId, kind, id)) {
        const r = l.from_kind === 'risk' ? await repo.anyOrg(gate.tx, l.from_id) : undefined;
        if (r?.org_id === actor.orgId)
          out.push({ id: r.risk_id, ref: r.ref, title: r.title, status: r.status });
      }
      return out;
    });
  }

  /** What risks and incidents may link to, for forms: [`kind:id`, label] pairs. */
  async linkChoices(actor: Actor): Promise<[string, string][]> {
    return withAccess(this.ctx, actor, async (gate) => {
      gate.require('governance.read', { orgId: actor.orgId, ref: 'link-choices' });
      return this.links.choices(gate.tx, actor.orgId);
    });
  }

  /** Open risks for the dashboard (no access check: the dashboard has decided). */
  async openRisks(ex: Executor, orgId: string): Promise<Risk[]> {
    return this.views(ex, orgId, await repo.list(ex, orgId, { status: 'open' }), false);
  }
}
