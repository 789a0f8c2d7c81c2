// The parts every DPIA step shares: loading with the access decision, saving with the audit
// entry, and the stage check.
import { AccordError } from '../../errors.ts';
import type { DomainContext } from '../context.ts';
import { today } from '../context.ts';
import type { Action } from '../policy/permissions.ts';
import type { Gate } from '../policy/gate.ts';
import type { DutiesService } from '../roles/duties.service.ts';
import type { GovernancePeople } from './common.ts';
import * as repo from './dpia.repository.ts';
import { toDpia } from './dpia.view.ts';
import type { Dpia, DpiaStatus } from './dpia.view.ts';
import type { DpiaTable } from './governance.table.ts';

export class DpiaCore {
  constructor(
    protected readonly ctx: DomainContext,
    protected readonly duties: DutiesService,
    protected readonly people: GovernancePeople,
  ) {}

  protected async view(gate: Gate, row: DpiaTable): Promise<Dpia> {
    return toDpia(row, today(this.ctx), await this.people.names(gate.tx, gate.actor.orgId));
  }

  /** Loads a DPIA and decides; another organisation's is not found. */
  protected async load(gate: Gate, dpiaId: string, action: Action): Promise<DpiaTable> {
    const row = await repo.anyOrg(gate.tx, dpiaId);
    gate.require(action, { orgId: row?.org_id ?? '', ref: `dpia:${dpiaId}` });
    return row!;
  }

  protected static stage(row: DpiaTable, allowed: DpiaStatus[], doing: string): void {
    if (!(allowed as string[]).includes(row.status))
      throw new AccordError(
        'CONFLICT',
        `${row.ref} cannot ${doing} now: it is at the “${row.status}” stage.`,
      );
  }

  protected async save(
    gate: Gate,
    row: DpiaTable,
    set: Partial<DpiaTable>,
    action: string,
    details: Record<string, unknown>,
  ): Promise<Dpia> {
    const now = this.ctx.clock().toISOString();
    const after = { ...row, ...set, updated_at: now, updated_by: gate.actor.ref };
    await repo.update(gate.tx, row.org_id, row.dpia_id, {
      ...set,
      updated_at: now,
      updated_by: gate.actor.ref,
    });
    gate.record(action, `dpia:${row.dpia_id}`, { ref: row.ref, ...details });
    return this.view(gate, after);
  }
}
