// Incidents and personal-data breaches: anyone reports one with the time they became aware; the
// DPO triages it (personal data? how likely and how severe the risk to people?), decides on
// telling the ICO — within 72 hours of awareness, or recording why not — and the people affected,
// records containment, recovery and lessons, and closes it only when every decision is recorded.
import { randomUUID } from 'node:crypto';
import { assertNoProblems } from '../../errors.ts';
import type { Problem } from '../../errors.ts';
import type { Actor } from '../policy/actor.ts';
import { withAccess } from '../policy/gate.ts';
import type { Executor } from '../../store/store.ts';
import type { Gate } from '../policy/gate.ts';
import type { IncidentTable } from './governance.table.ts';
import { nextNumber } from './governance.repository.ts';
import * as repo from './incident.repository.ts';
import { checkReport, checkTriage } from './incident.rules.ts';
import type { ReportInput, TriageInput } from './incident.rules.ts';
import { IncidentCore } from './incident.base.ts';
import { IncidentResponse } from './incident.response.ts';
import { toIncident } from './incident.view.ts';
import type { Incident } from './incident.view.ts';
import type { LinkInput } from './links.ts';

export type { ResponseInput } from './incident.response.ts';

export class IncidentService extends IncidentResponse {
  /** Anyone in the organisation (and partner systems) may report a suspected incident. */
  async report(actor: Actor, input: ReportInput): Promise<Incident> {
    return withAccess(this.ctx, actor, async (gate) => {
      gate.require('incidents.report', { orgId: actor.orgId, ref: 'incidents' });
      const now = this.ctx.clock();
      const problems: Problem[] = [];
      const fields = checkReport(input, now, problems);
      assertNoProblems(problems);
      const year = fields.aware_at.slice(0, 4);
      const n = await nextNumber(gate.tx, actor.orgId, `incident-${year}`);
      const row: IncidentTable = {
        incident_id: randomUUID(),
        org_id: actor.orgId,
        ref: `INC-${year}-${String(n).padStart(3, '0')}`,
        ...fields,
        reported_by: actor.ref,
        reporter_id: actor.personId,
        reported_at: now.toISOString(),
        status: 'reported',
        personal_data: null,
        breach_types: '[]',
        cyber: null,
        data_categories: '[]',
        subject_categories: '[]',
        subjects_affected: null,
        records_affected: null,
        likelihood: null,
        severity: null,
        consequences: '',
        triaged_by: null,
        triaged_at: null,
        notify_ico: null,
        notify_reasoning: null,
        tell_subjects: null,
        tell_subjects_reasoning: null,
        decided_by: null,
        decided_at: null,
        ico_notified_at: null,
        ico_reference: null,
        late_reason: null,
        subjects_told_at: null,
        subjects_told_how: null,
        containment: '',
        recovery: '',
        lessons: '',
        staff_trained: 'unknown',
        other_bodies_told: '',
        closed_by: null,
        closed_at: null,
        updated_at: now.toISOString(),
      };
      await repo.insert(gate.tx, row);
      gate.record('incident.reported', `incident:${row.incident_id}`, {
        ref: row.ref,
        summary: row.summary,
        awareAt: row.aware_at,
      });
      return this.view(gate, row);
    });
  }

  /** Every incident for the DPO, SIRO and auditors; with `mine`, the ones the actor reported. */
  async list(actor: Actor, f: { mine?: boolean; status?: string } = {}): Promise<Incident[]> {
    return withAccess(this.ctx, actor, async (gate) => {
      gate.require('incidents.read', {
        orgId: actor.orgId,
        ref: 'incidents',
        ownerPersonId: f.mine ? actor.personId : null,
      });
      const rows = await repo.list(gate.tx, actor.orgId, {
        status: f.status,
        reporterId: f.mine ? (actor.personId ?? '-') : undefined,
      });
      const names = await this.people.names(gate.tx, actor.orgId);
      return rows.map((r) => toIncident(r, this.ctx.clock(), names));
    });
  }

  /** One incident; the person who reported it may always see it (and its clock). */
  async get(actor: Actor, id: string): Promise<Incident> {
    return withAccess(this.ctx, actor, async (gate) =>
      this.view(gate, await this.load(gate, id, 'incidents.read')),
    );
  }

  async triage(
    actor: Actor,
    id: string,
    input: TriageInput & { links?: LinkInput[] },
  ): Promise<Incident> {
    return withAccess(this.ctx, actor, async (gate) => {
      const row = await this.load(gate, id, 'incidents.manage');
      IncidentCore.open(row);
      const problems: Problem[] = [];
      const set = checkTriage(input, problems);
      if (input.links)
        problems.push(...(await this.links.check(gate.tx, actor.orgId, input.links)));
      assertNoProblems(problems);
      const now = this.ctx.clock().toISOString();
      if (input.links)
        await this.links.replace(gate.tx, actor.orgId, 'incident', id, input.links, actor.ref, now);
      const notPersonal = set.personal_data === 0;
      return this.change(
        gate,
        row,
        {
          ...set,
          // No personal data: nothing to decide about the ICO or the people affected.
          ...(notPersonal ? { notify_ico: null, tell_subjects: null } : {}),
          triaged_by: actor.ref,
          triaged_at: now,
          status: 'triaged',
        },
        'incident.triaged',
        { ...set, links: input.links },
      );
    });
  }

  /** Incidents for the dashboard (no access check: the dashboard has decided). */
  async since(ex: Executor, orgId: string, awareSince: string): Promise<Incident[]> {
    const names = await this.people.names(ex, orgId);
    return (await repo.list(ex, orgId, { awareSince })).map((r) =>
      toIncident(r, this.ctx.clock(), names),
    );
  }

  /** The incident for the ICO report, read under incidents.read but not as its reporter. */
  async forReport(gate: Gate, id: string): Promise<Incident> {
    const row = await repo.anyOrg(gate.tx, id);
    gate.require(
      'incidents.read',
      { orgId: row?.org_id ?? '', ref: `incident:${id}` },
      { details: { export: 'ico-report' } },
    );
    return this.view(gate, row!);
  }
}
