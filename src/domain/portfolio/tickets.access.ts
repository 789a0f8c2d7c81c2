// Access requests on the help desk. Approving one grants the role in the roles register directly,
// in the same transaction, through the roles service (so its segregation-of-duties rules apply:
// a toxic combination is refused and nothing changes); whoever requested may not approve.
import { randomUUID } from 'node:crypto';
import { AccordError, assertNoProblems } from '../../errors.ts';
import type { Actor } from '../policy/actor.ts';
import type { Gate } from '../policy/gate.ts';
import { withAccess } from '../policy/gate.ts';
import type { RoleGrant } from '../roles/roles.service.ts';
import type { TicketTable } from './portfolio.table.ts';
import type { Ticket } from './tickets.model.ts';
import * as repo from './tickets.repository.ts';
import type { TicketsService } from './tickets.service.ts';

/** What approving needs from the roles module. */
export interface AccessGranting {
  grant(
    actor: Actor,
    input: { personId: string; role: string; reason: string },
    db: Gate['tx'],
  ): Promise<RoleGrant>;
  assertSeparate(
    gate: Gate,
    target: string,
    a: { duty: string; personId: string },
    b: { duty: string; personId: string },
  ): Promise<void>;
}

export class AccessRequests {
  constructor(
    private readonly tickets: TicketsService,
    private readonly granting: AccessGranting,
  ) {}

  private async undecided(gate: Gate, ticketId: string): Promise<TicketTable> {
    const t = await this.tickets.load(gate, ticketId, 'tickets.work');
    if (t.kind !== 'access-request')
      throw new AccordError('CONFLICT', 'That ticket is not an access request.');
    if (t.decision)
      throw new AccordError('CONFLICT', `That access request has already been ${t.decision}.`);
    return t;
  }

  /** Approves: the role is granted to the person it was requested for, or nothing happens. */
  async approve(actor: Actor, ticketId: string, note = ''): Promise<Ticket> {
    return withAccess(this.tickets.p.ctx, actor, async (gate) => {
      const t = await this.undecided(gate, ticketId);
      await this.granting.assertSeparate(
        gate,
        `ticket:${t.ticket_id}`,
        { duty: 'request', personId: t.raised_by },
        { duty: 'approve', personId: actor.personId ?? actor.ref },
      );
      const grant = await this.granting.grant(
        actor,
        {
          personId: t.requested_for!,
          role: t.requested_role!,
          reason: `Access request T-${t.number}: ${t.title}${note.trim() ? ` (${note.trim()})` : ''}`,
        },
        gate.tx,
      );
      const at = this.tickets.p.ctx.clock().toISOString();
      const set: Partial<TicketTable> = {
        decision: 'approved',
        decided_by: actor.ref,
        decided_at: at,
        grant_id: grant.id,
        status: 'resolved',
        resolved_at: at,
        responded_at: t.responded_at ?? at,
        updated_at: at,
      };
      await repo.updateTicket(gate.tx, actor.orgId, t.ticket_id, set);
      await repo.insertComment(gate.tx, {
        comment_id: randomUUID(),
        org_id: actor.orgId,
        ticket_id: t.ticket_id,
        author: actor.ref,
        body: `Approved: the ${grant.roleLabel} role is granted to ${grant.personName}.${note.trim() ? ` ${note.trim()}` : ''}`,
        internal: 0,
        created_at: at,
      });
      gate.record('tickets.access.approved', `ticket:${t.ticket_id}`, {
        grantId: grant.id,
        role: grant.role,
        personId: grant.personId,
      });
      return this.tickets.view(gate, { ...t, ...set }, true);
    });
  }

  /** Refuses, saying why; the ticket closes. */
  async refuse(actor: Actor, ticketId: string, reason: string): Promise<Ticket> {
    return withAccess(this.tickets.p.ctx, actor, async (gate) => {
      const t = await this.undecided(gate, ticketId);
      if (!reason?.trim())
        assertNoProblems([{ field: 'reason', message: 'Say why the request is refused' }]);
      const at = this.tickets.p.ctx.clock().toISOString();
      const set: Partial<TicketTable> = {
        decision: 'refused',
        decided_by: actor.ref,
        decided_at: at,
        status: 'closed',
        resolved_at: at,
        closed_at: at,
        responded_at: t.responded_at ?? at,
        updated_at: at,
      };
      await repo.updateTicket(gate.tx, actor.orgId, t.ticket_id, set);
      await repo.insertComment(gate.tx, {
        comment_id: randomUUID(),
        org_id: actor.orgId,
        ticket_id: t.ticket_id,
        author: actor.ref,
        body: `Refused: ${reason.trim()}`,
        internal: 0,
        created_at: at,
      });
      gate.record('tickets.access.refused', `ticket:${t.ticket_id}`, { reason: reason.trim() });
      return this.tickets.view(gate, { ...t, ...set }, true);
    });
  }
}
