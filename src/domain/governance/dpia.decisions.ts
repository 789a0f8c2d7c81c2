// The DPIA's decisions: the DPO's advice, the SIRO's sign-off (never by the author), the ICO's
// answer to prior consultation, reviews and reopening — and the check the agreements module
// makes before high-risk processing may start.
import { AccordError, assertNoProblems } from '../../errors.ts';
import type { Problem } from '../../errors.ts';
import { today } from '../context.ts';
import type { Actor } from '../policy/actor.ts';
import { withAccess } from '../policy/gate.ts';
import type { Gate } from '../policy/gate.ts';
import { checkDate, requireText, text } from './common.ts';
import { DpiaCore } from './dpia.base.ts';
import * as repo from './dpia.repository.ts';
import { checkAdvice, checkSignOff } from './dpia.rules.ts';
import type { AdviceInput, SignOffInput } from './dpia.rules.ts';
import type { Dpia } from './dpia.view.ts';

/** What an agreement records about the DPIA it relied on. */
export interface SignedDpia {
  id: string;
  ref: string;
  title: string;
  signedAt: string;
  reviewOn: string | null;
}

export class DpiaDecisions extends DpiaCore {
  async advise(actor: Actor, dpiaId: string, input: AdviceInput): Promise<Dpia> {
    return withAccess(this.ctx, actor, async (gate) => {
      const row = await this.load(gate, dpiaId, 'dpia.advise');
      DpiaCore.stage(row, ['advice'], 'take the DPO’s advice');
      const problems: Problem[] = [];
      const { advice, recommendation } = checkAdvice(input, problems);
      assertNoProblems(problems);
      return this.save(
        gate,
        row,
        {
          dpo_advice: advice,
          dpo_recommendation: recommendation,
          dpo_advice_by: actor.ref,
          dpo_advice_at: this.ctx.clock().toISOString(),
          status: 'sign-off',
        },
        'dpia.advised',
        { recommendation },
      );
    });
  }

  /** The SIRO's decision. The DPIA's author cannot sign it (segregation of duties). */
  async signOff(actor: Actor, dpiaId: string, input: SignOffInput): Promise<Dpia> {
    return withAccess(this.ctx, actor, async (gate) => {
      const row = await this.load(gate, dpiaId, 'dpia.sign');
      DpiaCore.stage(row, ['sign-off'], 'be signed off');
      if (row.author_id && actor.personId)
        await this.duties.assertSeparate(
          gate,
          `dpia:${dpiaId}`,
          { duty: 'author', personId: row.author_id },
          { duty: 'sign-off', personId: actor.personId },
        );
      const problems: Problem[] = [];
      const r = checkSignOff(
        input,
        row.dpo_recommendation as Parameters<typeof checkSignOff>[1],
        today(this.ctx),
        problems,
      );
      assertNoProblems(problems);
      return this.save(
        gate,
        row,
        {
          decision: r.decision,
          signed_by: actor.ref,
          signed_at: this.ctx.clock().toISOString(),
          sign_off_note: text(input.note) || null,
          advice_followed: r.followed ? 1 : 0,
          overrule_reason: text(input.overruleReason) || null,
          review_on: r.reviewOn ?? row.review_on,
          status: r.decision === 'approved' ? 'signed' : 'rejected',
        },
        r.decision === 'approved' ? 'dpia.signed' : 'dpia.rejected',
        {
          adviceFollowed: r.followed,
          reviewOn: r.reviewOn,
          priorConsultation: row.prior_consultation === 1,
        },
      );
    });
  }

  /** Records the ICO's answer to a prior consultation (Art. 36). */
  async recordIcoConsultation(
    actor: Actor,
    dpiaId: string,
    input: { consultedOn: string; reference: string; outcome: string },
  ): Promise<Dpia> {
    return withAccess(this.ctx, actor, async (gate) => {
      const row = await this.load(gate, dpiaId, 'dpia.advise');
      if (row.prior_consultation !== 1)
        throw new AccordError('CONFLICT', `${row.ref} does not need prior consultation.`);
      const problems: Problem[] = [];
      const on = checkDate(problems, 'consultedOn', input.consultedOn, {
        required: true,
        label: 'the date the ICO answered',
        notAfter: today(this.ctx),
      });
      const reference = requireText(
        problems,
        'reference',
        input.reference,
        'Enter the ICO’s case reference',
        100,
      );
      const outcome = requireText(problems, 'outcome', input.outcome, 'Summarise the ICO’s advice');
      assertNoProblems(problems);
      return this.save(
        gate,
        row,
        { ico_consulted_on: on, ico_reference: reference, ico_outcome: outcome },
        'dpia.ico-consulted',
        { consultedOn: on, reference },
      );
    });
  }

  /** Records a review of a signed DPIA and the next review date. */
  async review(
    actor: Actor,
    dpiaId: string,
    input: { nextReviewOn: string; note?: string },
  ): Promise<Dpia> {
    return withAccess(this.ctx, actor, async (gate) => {
      const row = await this.load(gate, dpiaId, 'dpia.write');
      DpiaCore.stage(row, ['signed'], 'be reviewed');
      const problems: Problem[] = [];
      const next = checkDate(problems, 'nextReviewOn', input.nextReviewOn, {
        required: true,
        label: 'the next review date',
        notBefore: today(this.ctx),
        notBeforeMessage: 'The next review date cannot be in the past',
      });
      assertNoProblems(problems);
      return this.save(
        gate,
        row,
        { review_on: next, last_reviewed_on: today(this.ctx) },
        'dpia.reviewed',
        { nextReviewOn: next, note: text(input.note) },
      );
    });
  }

  /** Reopens a DPIA for change: advice and sign-off are cleared and must be given again. */
  async reopen(actor: Actor, dpiaId: string, reason: string): Promise<Dpia> {
    return withAccess(this.ctx, actor, async (gate) => {
      const row = await this.load(gate, dpiaId, 'dpia.write');
      DpiaCore.stage(
        row,
        ['not-required', 'advice', 'sign-off', 'signed', 'rejected'],
        'be reopened',
      );
      const problems: Problem[] = [];
      requireText(problems, 'reason', reason, 'Say why the DPIA is reopened', 2000);
      assertNoProblems(problems);
      return this.save(
        gate,
        row,
        {
          status: row.status === 'not-required' ? 'screening' : 'assessment',
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
        },
        'dpia.reopened',
        { from: row.status, reason: text(reason) },
      );
    });
  }

  /**
   * For the agreements module, inside its own checked work: refuses (audited, naming the DPIA)
   * when processing screened as high risk has no DPIA signed off by the SIRO, or a signed DPIA
   * still awaits the ICO's prior consultation. Returns the DPIA relied on.
   */
  async assertSignedIfHighRisk(
    gate: Gate,
    /** The DPIA's id or its reference (DPIA-003), or null when none is linked. */
    dpiaId: string | null,
    screenedHighRisk: boolean,
  ): Promise<SignedDpia | null> {
    // The agreement may hold the DPIA's id or its reference (DPIA-003).
    const row = dpiaId
      ? ((await repo.get(gate.tx, gate.actor.orgId, dpiaId)) ??
        (await repo.byRef(gate.tx, gate.actor.orgId, dpiaId)))
      : undefined;
    if (!screenedHighRisk && !row) return null;
    const target = dpiaId ? `dpia:${dpiaId}` : null;
    const refuse = (code: 'DPIA_NOT_SIGNED' | 'PRIOR_CONSULTATION_REQUIRED', msg: string): never =>
      gate.refuse(new AccordError(code, msg), 'dpia.relied-on', target, {
        dpiaId,
        screenedHighRisk,
      });
    if (!row) {
      if (!screenedHighRisk) return null;
      return refuse(
        'DPIA_NOT_SIGNED',
        dpiaId
          ? `The processing screened as high risk, and the DPIA linked (${dpiaId}) is not in your organisation.`
          : 'The processing screened as high risk, so it needs a DPIA signed off by the SIRO: link one.',
      );
    }
    const name = `${row.ref} “${row.title}”`;
    if (screenedHighRisk && row.status !== 'signed')
      return refuse(
        'DPIA_NOT_SIGNED',
        `The processing screened as high risk and ${name} is not signed off (it is at the “${row.status}” stage).`,
      );
    if (row.status === 'signed' && row.prior_consultation === 1 && !row.ico_consulted_on)
      return refuse(
        'PRIOR_CONSULTATION_REQUIRED',
        `${name} leaves a high risk: record the ICO’s answer to prior consultation before the processing starts.`,
      );
    return row.status === 'signed'
      ? {
          id: row.dpia_id,
          ref: row.ref,
          title: row.title,
          signedAt: row.signed_at!,
          reviewOn: row.review_on,
        }
      : null;
  }
}
