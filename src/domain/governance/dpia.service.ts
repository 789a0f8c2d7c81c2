// DPIAs: screening against the ICO's high-risk indicators → full assessment (necessity,
// proportionality, risks to individuals, measures, residual risk) → the DPO's advice → sign-off by
// the SIRO, who may not be the author (dpia.decisions.ts). A high residual risk flags prior
// consultation with the ICO. Other modules (agreements) call assertSignedIfHighRisk() before
// processing may start.
import { randomUUID } from 'node:crypto';
import { assertNoProblems } from '../../errors.ts';
import type { Problem } from '../../errors.ts';
import type { Executor } from '../../store/store.ts';
import { today } from '../context.ts';
import type { Actor } from '../policy/actor.ts';
import { withAccess } from '../policy/gate.ts';
import { checkDate, requireText, text } from './common.ts';
import { DpiaCore } from './dpia.base.ts';
import { DpiaDecisions } from './dpia.decisions.ts';
import * as repo from './dpia.repository.ts';
import { checkAssessment, checkScreening, highest } from './dpia.rules.ts';
import type { AssessmentInput, ScreeningInput } from './dpia.rules.ts';
import { toDpia } from './dpia.view.ts';
import type { Dpia } from './dpia.view.ts';
import type { DpiaTable } from './governance.table.ts';
import { nextNumber } from './governance.repository.ts';

export type { SignedDpia } from './dpia.decisions.ts';

export interface NewDpia {
  title: string;
  description: string;
  reviewOn?: string | null;
}

export class DpiaService extends DpiaDecisions {
  async list(actor: Actor, f: { status?: string } = {}): Promise<Dpia[]> {
    return withAccess(this.ctx, actor, async (gate) => {
      gate.require('governance.read', { orgId: actor.orgId, ref: 'dpias' });
      const names = await this.people.names(gate.tx, actor.orgId);
      return (await repo.list(gate.tx, actor.orgId, f)).map((r) =>
        toDpia(r, today(this.ctx), names),
      );
    });
  }

  async get(actor: Actor, dpiaId: string): Promise<Dpia> {
    return withAccess(this.ctx, actor, async (gate) =>
      this.view(gate, await this.load(gate, dpiaId, 'governance.read')),
    );
  }

  async create(actor: Actor, input: NewDpia): Promise<Dpia> {
    return withAccess(this.ctx, actor, async (gate) => {
      gate.require('dpia.write', { orgId: actor.orgId, ref: 'dpias' });
      const problems: Problem[] = [];
      const title = requireText(problems, 'title', input.title, 'Enter a title for the DPIA', 200);
      const description = requireText(
        problems,
        'description',
        input.description,
        'Describe the processing: its nature, scope, context and purposes',
      );
      const reviewOn = checkDate(problems, 'reviewOn', input.reviewOn, {
        label: 'the review date',
        notBefore: today(this.ctx),
        notBeforeMessage: 'The review date cannot be in the past',
      });
      assertNoProblems(problems);
      const now = this.ctx.clock().toISOString();
      const n = await nextNumber(gate.tx, actor.orgId, 'dpia');
      const row: DpiaTable = {
        dpia_id: randomUUID(),
        org_id: actor.orgId,
        ref: `DPIA-${String(n).padStart(3, '0')}`,
        title,
        description,
        author_id: actor.personId,
        created_by: actor.ref,
        created_at: now,
        updated_by: actor.ref,
        updated_at: now,
        status: 'screening',
        screening: null,
        screened_by: null,
        screened_at: null,
        high_risk: null,
        necessity: null,
        proportionality: null,
        consultation: null,
        risks: '[]',
        residual_risk: null,
        prior_consultation: 0,
        ico_consulted_on: null,
        ico_reference: null,
        ico_outcome: null,
        dpo_advice: null,
        dpo_recommendation: null,
        dpo_advice_by: null,
        dpo_advice_at: null,
        decision: null,
        signed_by: null,
        signed_at: null,
        sign_off_note: null,
        advice_followed: null,
        overrule_reason: null,
        review_on: reviewOn,
        last_reviewed_on: null,
        public_summary: null,
        publish_summary: 0,
      };
      await repo.insert(gate.tx, row);
      gate.record('dpia.created', `dpia:${row.dpia_id}`, { ref: row.ref, title, reviewOn });
      return this.view(gate, row);
    });
  }

  /** Answers the screening questions: any "yes" (or choosing to) means a full DPIA. */
  async screen(actor: Actor, dpiaId: string, input: ScreeningInput): Promise<Dpia> {
    return withAccess(this.ctx, actor, async (gate) => {
      const row = await this.load(gate, dpiaId, 'dpia.write');
      DpiaCore.stage(row, ['screening', 'not-required', 'assessment'], 'be screened');
      const problems: Problem[] = [];
      const screening = checkScreening(input, problems);
      assertNoProblems(problems);
      const highRisk = Object.values(screening.answers).some(Boolean);
      const full = highRisk || screening.fullAnyway;
      return this.save(
        gate,
        row,
        {
          screening: JSON.stringify(screening),
          screened_by: actor.ref,
          screened_at: this.ctx.clock().toISOString(),
          high_risk: highRisk ? 1 : 0,
          status: full ? 'assessment' : 'not-required',
        },
        'dpia.screened',
        {
          highRisk,
          fullDpia: full,
          indicators: Object.keys(screening.answers).filter((k) => screening.answers[k]),
        },
      );
    });
  }

  /** Saves the assessment; with `submit`, checks it is complete and sends it to the DPO. */
  async saveAssessment(actor: Actor, dpiaId: string, input: AssessmentInput): Promise<Dpia> {
    return withAccess(this.ctx, actor, async (gate) => {
      const row = await this.load(gate, dpiaId, 'dpia.write');
      DpiaCore.stage(row, ['assessment'], 'be assessed');
      const problems: Problem[] = [];
      const risks = checkAssessment(input, problems);
      assertNoProblems(problems);
      const residual = highest(risks.map((r) => r.residual));
      const set: Partial<DpiaTable> = {
        ...(input.title !== undefined ? { title: text(input.title) } : {}),
        ...(input.description !== undefined ? { description: text(input.description) } : {}),
        necessity: text(input.necessity) || null,
        proportionality: text(input.proportionality) || null,
        consultation: text(input.consultation) || null,
        risks: JSON.stringify(risks),
        residual_risk: residual,
        prior_consultation: residual === 'high' ? 1 : 0,
        ...(input.submit ? { status: 'advice' } : {}),
      };
      return this.save(gate, row, set, input.submit ? 'dpia.submitted' : 'dpia.assessment.saved', {
        risks: risks.length,
        residualRisk: residual,
        priorConsultation: residual === 'high',
      });
    });
  }

  /** The summary citizens may read on the information charter once the DPIA is signed. */
  async setSummary(
    actor: Actor,
    dpiaId: string,
    input: { publicSummary: string; publish: boolean },
  ): Promise<Dpia> {
    return withAccess(this.ctx, actor, async (gate) => {
      const row = await this.load(gate, dpiaId, 'dpia.write');
      const problems: Problem[] = [];
      const summary = text(input.publicSummary);
      if (input.publish && !summary)
        problems.push({ field: 'publicSummary', message: 'Write the summary to publish' });
      if (summary.length > 4000)
        problems.push({
          field: 'publicSummary',
          message: 'Keep the summary under 4,000 characters',
        });
      assertNoProblems(problems);
      return this.save(
        gate,
        row,
        { public_summary: summary || null, publish_summary: input.publish ? 1 : 0 },
        'dpia.summary.set',
        { publish: input.publish },
      );
    });
  }

  // Look-ups for the rest of the module (no access check: they run inside checked work).

  async titleOf(ex: Executor, orgId: string, dpiaId: string): Promise<string | undefined> {
    const r = await repo.get(ex, orgId, dpiaId);
    return r ? `${r.ref} ${r.title}` : undefined;
  }

  async choices(ex: Executor, orgId: string): Promise<{ id: string; title: string }[]> {
    return (await repo.list(ex, orgId)).map((r) => ({
      id: r.dpia_id,
      title: `${r.ref} ${r.title}`,
    }));
  }

  async pastReview(ex: Executor, orgId: string, day: string): Promise<DpiaTable[]> {
    return repo.pastReview(ex, orgId, day);
  }

  async published(
    ex: Executor,
    orgId: string,
  ): Promise<{ ref: string; title: string; summary: string; signedAt: string }[]> {
    return (await repo.published(ex, orgId)).map((r) => ({
      ref: r.ref,
      title: r.title,
      summary: r.public_summary ?? '',
      signedAt: r.signed_at ?? '',
    }));
  }
}
