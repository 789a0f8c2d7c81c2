// Triage: priority (the service-level deadlines follow from when the ticket was raised), status
// and assignee (someone on the service desk). Whoever raised a ticket may close it, or reopen it
// once resolved; anything else is the service desk's.
import { AccordError, assertNoProblems } from '../../errors.ts';
import type { Problem } from '../../errors.ts';
import type { Actor } from '../policy/actor.ts';
import { withAccess } from '../policy/gate.ts';
import type { TicketTable } from './portfolio.table.ts';
import type { Priority } from './settings.service.ts';
import { PRIORITIES } from './settings.service.ts';
import type { Ticket } from './tickets.model.ts';
import { TICKET_STATUSES, dueDates, isAgent } from './tickets.model.ts';
import * as repo from './tickets.repository.ts';
import type { TicketAgents, TicketsService, TriageInput } from './tickets.service.ts';

export async function updateTicket(
  svc: TicketsService,
  agents: TicketAgents,
  actor: Actor,
  ticketId: string,
  input: TriageInput,
): Promise<Ticket> {
  return withAccess(svc.p.ctx, actor, async (gate) => {
    const agent = isAgent(actor);
    const t = await svc.load(gate, ticketId, agent ? 'tickets.work' : 'tickets.raise');
    const problems: Problem[] = [];
    const at = svc.p.ctx.clock().toISOString();
    const set: Partial<TicketTable> = {};
    if (!agent) {
      const ok =
        actor.personId === t.raised_by &&
        input.priority === undefined &&
        input.assigneeId === undefined &&
        (input.status === 'closed' || (input.status === 'in-progress' && t.status === 'resolved'));
      if (!ok)
        throw new AccordError(
          'FORBIDDEN',
          'You cannot do that: only the service desk can triage tickets; whoever raised one can close it, or reopen it once resolved.',
        );
    }
    if (input.priority !== undefined && input.priority !== t.priority) {
      if (!(PRIORITIES as readonly string[]).includes(input.priority))
        problems.push({ field: 'priority', message: 'Choose a priority from P1 to P4' });
      else
        Object.assign(
          set,
          { priority: input.priority },
          dueDates(
            t.raised_at,
            input.priority as Priority,
            (await svc.settings.of(gate.tx, actor.orgId)).ticketLevels,
          ),
        );
    }
    if (input.assigneeId !== undefined && input.assigneeId !== t.assignee_id) {
      if (
        input.assigneeId &&
        !(await agents.currentRoles(gate.tx, actor.orgId, input.assigneeId)).includes(
          'administrator',
        )
      )
        problems.push({
          field: 'assigneeId',
          message: 'Assign the ticket to someone on the service desk (an administrator)',
        });
      set.assignee_id = input.assigneeId || null;
      if (input.assigneeId && t.status === 'new' && !input.status) set.status = 'assigned';
    }
    if (input.status !== undefined && input.status !== t.status) {
      if (!(TICKET_STATUSES as readonly string[]).includes(input.status))
        problems.push({
          field: 'status',
          message: `The status is one of ${TICKET_STATUSES.join(', ')}`,
        });
      else if (
        t.kind === 'access-request' &&
        !t.decision &&
        (input.status === 'resolved' || input.status === 'closed')
      )
        problems.push({
          field: 'status',
          message: 'Approve or refuse the access request to resolve it',
        });
      else {
        set.status = input.status;
        if (input.status === 'resolved') set.resolved_at = at;
        if (input.status === 'closed')
          Object.assign(set, { closed_at: at, resolved_at: t.resolved_at ?? at });
        if (input.status !== 'resolved' && input.status !== 'closed')
          Object.assign(set, { resolved_at: null, closed_at: null });
      }
    }
    assertNoProblems(problems);
    if (
      agent &&
      !t.responded_at &&
      actor.personId !== t.raised_by &&
      (set.status || set.assignee_id)
    )
      set.responded_at = at;
    if (Object.keys(set).length === 0) return svc.view(gate, t, true);
    set.updated_at = at;
    await repo.updateTicket(gate.tx, actor.orgId, t.ticket_id, set);
    gate.record('tickets.updated', `ticket:${t.ticket_id}`, {
      before: { priority: t.priority, status: t.status, assigneeId: t.assignee_id },
      after: set,
    });
    return svc.view(gate, { ...t, ...set }, true);
  });
}
