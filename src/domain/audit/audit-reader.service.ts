// Reading the organisation's audit log: auditors, the DPO and the SIRO. Reading it is itself
// recorded, like any other access.
import type { DomainContext } from '../context.ts';
import type { Actor } from '../policy/actor.ts';
import { withAccess } from '../policy/gate.ts';
import type { AuditEntry, AuditFilter } from './audit.types.ts';

export class AuditReader {
  constructor(private readonly ctx: DomainContext) {}

  async entries(actor: Actor, filter: Omit<AuditFilter, 'orgId'>): Promise<AuditEntry[]> {
    return withAccess(this.ctx, actor, async (gate) => {
      gate.require('audit.read', { orgId: actor.orgId, ref: 'audit-log' }, { details: { filter } });
      return this.ctx.audit.list({ ...filter, orgId: actor.orgId }, gate.tx);
    });
  }
}
