// The parts every incident operation shares: loading with the access decision (the reporter may
// read their own), the view with names, links and the clock, and saving with the audit entry.
import { AccordError } from '../../errors.ts';
import type { DomainContext } from '../context.ts';
import type { Action } from '../policy/permissions.ts';
import type { Gate } from '../policy/gate.ts';
import type { GovernancePeople } from './common.ts';
import type { IncidentTable } from './governance.table.ts';
import * as repo from './incident.repository.ts';
import { toIncident } from './incident.view.ts';
import type { Incident } from './incident.view.ts';
import type { LinkRegistry } from './links.ts';

export class IncidentCore {
  constructor(
    protected readonly ctx: DomainContext,
    protected readonly people: GovernancePeople,
    protected readonly links: LinkRegistry,
  ) {}

  protected async load(gate: Gate, id: string, action: Action): Promise<IncidentTable> {
    const row = await repo.anyOrg(gate.tx, id);
    gate.require(action, {
      orgId: row?.org_id ?? '',
      ref: `incident:${id}`,
      ownerPersonId: action === 'incidents.read' ? row?.reporter_id : null,
    });
    return row!;
  }

  protected async view(gate: Gate, row: IncidentTable): Promise<Incident> {
    const orgId = gate.actor.orgId;
    return toIncident(
      row,
      this.ctx.clock(),
      await this.people.names(gate.tx, orgId),
      await this.links.of(gate.tx, orgId, 'incident', row.incident_id),
    );
  }

  protected async change(
    gate: Gate,
    row: IncidentTable,
    set: Partial<IncidentTable>,
    action: string,
    details: Record<string, unknown>,
  ): Promise<Incident> {
    const now = this.ctx.clock().toISOString();
    await repo.update(gate.tx, row.org_id, row.incident_id, { ...set, updated_at: now });
    gate.record(action, `incident:${row.incident_id}`, { ref: row.ref, ...details });
    return this.view(gate, { ...row, ...set, updated_at: now });
  }

  protected static open(row: IncidentTable): void {
    if (row.status === 'closed') throw new AccordError('CONFLICT', `${row.ref} is closed.`);
  }
}
