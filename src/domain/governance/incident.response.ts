// Responding to a breach: the decisions on telling the ICO and the people affected (with the
// reasoning when not), when each was told, containment, recovery and lessons, and closing —
// refused, with everything still missing listed, until every decision is recorded.
import { AccordError, assertNoProblems } from '../../errors.ts';
import type { Problem } from '../../errors.ts';
import type { Actor } from '../policy/actor.ts';
import { withAccess } from '../policy/gate.ts';
import { checkChoice, requireText, text } from './common.ts';
import type { IncidentTable } from './governance.table.ts';
import { IncidentCore } from './incident.base.ts';
import { checkDecision, checkInstant, checkNotification, closeProblems } from './incident.rules.ts';
import type { DecisionInput, TimeInput } from './incident.rules.ts';
import type { Incident } from './incident.view.ts';

export interface ResponseInput {
  containment?: string;
  recovery?: string;
  lessons?: string;
  staffTrained?: string;
  otherBodiesTold?: string;
}

export class IncidentResponse extends IncidentCore {
  /** The decisions on telling the ICO and the people affected, with the reasoning. */
  async decide(actor: Actor, id: string, input: DecisionInput): Promise<Incident> {
    return withAccess(this.ctx, actor, async (gate) => {
      const row = await this.load(gate, id, 'incidents.manage');
      IncidentCore.open(row);
      if (row.personal_data !== 1)
        throw new AccordError(
          'CONFLICT',
          row.personal_data === 0
            ? `${row.ref} involves no personal data: there is nothing to notify.`
            : `Triage ${row.ref} first: say whether personal data is involved.`,
        );
      const problems: Problem[] = [];
      checkDecision(input, row, problems);
      assertNoProblems(problems);
      return this.change(
        gate,
        row,
        {
          notify_ico: input.notifyIco ? 1 : 0,
          notify_reasoning: text(input.reasoning) || null,
          tell_subjects: input.tellSubjects ? 1 : 0,
          tell_subjects_reasoning: text(input.tellSubjectsReasoning) || null,
          decided_by: actor.ref,
          decided_at: this.ctx.clock().toISOString(),
        },
        'incident.decided',
        {
          notifyIco: input.notifyIco,
          reasoning: text(input.reasoning),
          tellSubjects: input.tellSubjects,
          tellSubjectsReasoning: text(input.tellSubjectsReasoning),
        },
      );
    });
  }

  /** When the ICO was told and its reference; after 72 hours, the reasons for the delay. */
  async recordNotification(
    actor: Actor,
    id: string,
    input: { notifiedAt: TimeInput; reference: string; lateReason?: string },
  ): Promise<Incident> {
    return withAccess(this.ctx, actor, async (gate) => {
      const row = await this.load(gate, id, 'incidents.manage');
      IncidentCore.open(row);
      if (row.notify_ico !== 1)
        throw new AccordError(
          'CONFLICT',
          `Record the decision to notify the ICO about ${row.ref} first.`,
        );
      const problems: Problem[] = [];
      const at = checkNotification(input, row, this.ctx.clock(), problems);
      assertNoProblems(problems);
      return this.change(
        gate,
        row,
        {
          ico_notified_at: at,
          ico_reference: text(input.reference),
          late_reason: text(input.lateReason) || null,
        },
        'incident.ico-notified',
        {
          notifiedAt: at,
          reference: text(input.reference),
          lateReason: text(input.lateReason) || null,
        },
      );
    });
  }

  async recordSubjectsTold(
    actor: Actor,
    id: string,
    input: { toldAt: TimeInput; how: string },
  ): Promise<Incident> {
    return withAccess(this.ctx, actor, async (gate) => {
      const row = await this.load(gate, id, 'incidents.manage');
      IncidentCore.open(row);
      if (row.tell_subjects !== 1)
        throw new AccordError(
          'CONFLICT',
          `Record the decision to tell the people affected by ${row.ref} first.`,
        );
      const problems: Problem[] = [];
      const at = checkInstant(
        problems,
        'toldAt',
        input.toldAt,
        'when the people affected were told',
        {
          required: true,
          notAfter: this.ctx.clock().getTime(),
          notBefore: Math.floor(Date.parse(row.aware_at) / 60_000) * 60_000,
          notBeforeMessage: 'That is before you became aware of the breach',
        },
      );
      const how = requireText(
        problems,
        'how',
        input.how,
        'Say how they were told (letter, email, phone)',
        2000,
      );
      assertNoProblems(problems);
      return this.change(
        gate,
        row,
        { subjects_told_at: at, subjects_told_how: how },
        'incident.subjects-told',
        { toldAt: at, how },
      );
    });
  }

  /** Containment, recovery and lessons as they stand (saved as the work goes on). */
  async updateResponse(actor: Actor, id: string, input: ResponseInput): Promise<Incident> {
    return withAccess(this.ctx, actor, async (gate) => {
      const row = await this.load(gate, id, 'incidents.manage');
      IncidentCore.open(row);
      const problems: Problem[] = [];
      const staff =
        input.staffTrained === undefined
          ? row.staff_trained
          : (checkChoice(
              problems,
              'staffTrained',
              input.staffTrained,
              ['yes', 'no', 'unknown'] as const,
              'Say whether the staff involved were trained in the last two years: yes, no or unknown',
            ) ?? 'unknown');
      assertNoProblems(problems);
      const set: Partial<IncidentTable> = {
        containment: input.containment === undefined ? row.containment : text(input.containment),
        recovery: input.recovery === undefined ? row.recovery : text(input.recovery),
        lessons: input.lessons === undefined ? row.lessons : text(input.lessons),
        other_bodies_told:
          input.otherBodiesTold === undefined ? row.other_bodies_told : text(input.otherBodiesTold),
        staff_trained: staff,
      };
      return this.change(gate, row, set, 'incident.response.updated', set);
    });
  }

  /** Closes the incident; refused, listing everything missing, until every decision is recorded. */
  async close(actor: Actor, id: string, input: { lessons?: string } = {}): Promise<Incident> {
    return withAccess(this.ctx, actor, async (gate) => {
      const row = await this.load(gate, id, 'incidents.manage');
      IncidentCore.open(row);
      const lessons = text(input.lessons) || row.lessons;
      assertNoProblems(closeProblems(row, lessons), `${row.ref} cannot be closed yet.`);
      return this.change(
        gate,
        row,
        {
          lessons,
          status: 'closed',
          closed_by: actor.ref,
          closed_at: this.ctx.clock().toISOString(),
        },
        'incident.closed',
        { lessons },
      );
    });
  }
}
