// The help desk: anyone signed in raises a ticket against an application (fault, request, access
// request, data-protection query); the service desk prioritises, assigns, answers and resolves
// it against time-to-respond and time-to-fix service levels; the queue is open for all to see.
import { randomUUID } from 'node:crypto';
import { AccordError, assertNoProblems } from '../../errors.ts';
import type { Problem } from '../../errors.ts';
import type { Executor } from '../../store/store.ts';
import type { Actor } from '../policy/actor.ts';
import type { Gate } from '../policy/gate.ts';
import { withAccess } from '../policy/gate.ts';
import { ROLES, isRole } from '../policy/roles.ts';
import type { Role } from '../policy/roles.ts';
import * as apps from './applications.repository.ts';
import type { PortfolioContext } from './portfolio.common.ts';
import type { TicketTable } from './portfolio.table.ts';
import type { PortfolioSettingsService, Priority } from './settings.service.ts';
import { PRIORITIES } from './settings.service.ts';
import type { Ticket, TicketKind } from './tickets.model.ts';
import { TICKET_KINDS, dueDates, isAgent, mayNotSee, toTicket } from './tickets.model.ts';
import * as repo from './tickets.repository.ts';
import { updateTicket } from './tickets.update.ts';
import type { TicketFilter } from './tickets.repository.ts';

export interface RaiseInput {
  appId: string;
  kind: string;
  title: string;
  description: string;
  priority?: string;
  requestedRole?: string;
  requestedFor?: string;
}

export interface TriageInput {
  priority?: string;
  status?: string;
  assigneeId?: string | null;
}

/** Who may be assigned tickets, answered by the roles register. */
export interface TicketAgents {
  currentRoles(ex: Executor, orgId: string, personId: string): Promise<Role[]>;
}

export class TicketsService {
  constructor(
    readonly p: PortfolioContext,
    readonly settings: PortfolioSettingsService,
    private readonly agents: TicketAgents,
  ) {}

  async view(gate: Gate, t: TicketTable, withComments: boolean): Promise<Ticket> {
    const names = await this.p.people.names(gate.tx, t.org_id);
    const app = await apps.application(gate.tx, t.org_id, t.app_id);
    return toTicket(
      t,
      gate.actor,
      this.p.ctx.clock().getTime(),
      names,
      app?.name ?? '',
      withComments ? await repo.comments(gate.tx, t.org_id, t.ticket_id) : [],
    );
  }

  /** The ticket for the actor (NOT_FOUND for another organisation's). */
  async load(
    gate: Gate,
    ticketId: string,
    action: 'tickets.read' | 'tickets.raise' | 'tickets.work',
  ): Promise<TicketTable> {
    const ref = /^T-(\d{1,9})$/i.exec(ticketId);
    const t = ref
      ? await repo.ticketByNumber(gate.tx, gate.actor.orgId, Number(ref[1]))
      : await repo.ticketAnyOrg(gate.tx, ticketId);
    gate.require(action, {
      orgId: t?.org_id ?? '',
      ref: `ticket:${ticketId}`,
      ownerPersonId: t?.raised_by ?? null,
    });
    return t!;
  }

  async raise(actor: Actor, input: RaiseInput): Promise<Ticket> {
    return withAccess(this.p.ctx, actor, async (gate) => {
      gate.require('tickets.raise', { orgId: actor.orgId, ref: 'tickets' });
      if (!actor.personId)
        throw new AccordError('FORBIDDEN', 'Tickets are raised by people, not systems.');
      const problems: Problem[] = [];
      const app = input.appId
        ? await apps.application(gate.tx, actor.orgId, input.appId)
        : undefined;
      if (!app)
        problems.push({ field: 'appId', message: 'Choose the application the ticket is about' });
      if (!(TICKET_KINDS as readonly string[]).includes(input.kind))
        problems.push({
          field: 'kind',
          message: 'Choose a fault, a request, an access request or a data-protection query',
        });
      if (!input.title?.trim()) problems.push({ field: 'title', message: 'Enter a short summary' });
      else if (input.title.trim().length > 200)
        problems.push({ field: 'title', message: 'Keep the summary to 200 characters' });
      if (!input.description?.trim())
        problems.push({ field: 'description', message: 'Describe what happened or what you need' });
      const priority = input.priority || (input.kind === 'fault' ? 'P3' : 'P4');
      if (!(PRIORITIES as readonly string[]).includes(priority))
        problems.push({ field: 'priority', message: 'Choose a priority from P1 to P4' });
      let role: string | null = null;
      let forId: string | null = null;
      if (input.kind === 'access-request') {
        if (!input.requestedRole || !isRole(input.requestedRole))
          problems.push({
            field: 'requestedRole',
            message: `Choose the role needed: ${ROLES.join(', ')}`,
          });
        else role = input.requestedRole;
        forId = input.requestedFor || actor.personId;
        if (!(await this.p.people.activePerson(gate.tx, actor.orgId, forId)))
          problems.push({
            field: 'requestedFor',
            message: 'Choose an active person in your organisation',
          });
      }
      assertNoProblems(problems);
      const at = this.p.ctx.clock().toISOString();
      const { ticketLevels } = await this.settings.of(gate.tx, actor.orgId);
      const row: TicketTable = {
        ticket_id: randomUUID(),
        org_id: actor.orgId,
        app_id: app!.app_id,
        number: await repo.nextNumber(gate.tx, actor.orgId),
        kind: input.kind,
        title: input.title.trim(),
        description: input.description.trim(),
        priority,
        status: 'new',
        raised_by: actor.personId,
        raised_at: at,
        assignee_id: null,
        ...dueDates(at, priority as Priority, ticketLevels),
        responded_at: null,
        resolved_at: null,
        closed_at: null,
        requested_role: role,
        requested_for: forId,
        decision: null,
        decided_by: null,
        decided_at: null,
        grant_id: null,
        updated_at: at,
      };
      await repo.insertTicket(gate.tx, row);
      gate.record('tickets.raised', `ticket:${row.ticket_id}`, {
        number: row.number,
        appId: row.app_id,
        kind: row.kind,
        priority,
        requestedRole: role,
        requestedFor: forId,
      });
      return this.view(gate, row, true);
    });
  }

  /** The queue: the organisation's tickets (optionally one application's), open first. */
  async queue(
    actor: Actor,
    f: TicketFilter = {},
  ): Promise<{ tickets: Ticket[]; open: number; breached: number }> {
    return withAccess(this.p.ctx, actor, async (gate) => {
      if (f.appId) {
        const a = await apps.applicationAnyOrg(gate.tx, f.appId);
        gate.require('tickets.read', { orgId: a?.org_id ?? '', ref: `application:${f.appId}` });
      } else gate.require('tickets.read', { orgId: actor.orgId, ref: 'tickets' });
      const names = await this.p.people.names(gate.tx, actor.orgId);
      const appNames = new Map(
        (await apps.applications(gate.tx, actor.orgId)).map((a) => [a.app_id, a.name]),
      );
      const now = this.p.ctx.clock().getTime();
      const tickets = (await repo.tickets(gate.tx, actor.orgId, f))
        .map((t) => toTicket(t, actor, now, names, appNames.get(t.app_id) ?? ''))
        .sort(
          (a, b) =>
            Number(b.open) - Number(a.open) ||
            Number(b.breached && b.open) - Number(a.breached && a.open) ||
            a.priority.localeCompare(b.priority) ||
            a.raisedAt.localeCompare(b.raisedAt),
        );
      return {
        tickets,
        open: tickets.filter((t) => t.open).length,
        breached: tickets.filter((t) => t.open && t.breached).length,
      };
    });
  }

  async get(actor: Actor, ticketId: string): Promise<Ticket> {
    return withAccess(this.p.ctx, actor, async (gate) =>
      this.view(gate, await this.load(gate, ticketId, 'tickets.read'), true),
    );
  }

  /** A public comment (anyone who may see the ticket) or an internal note (service desk only). */
  async comment(actor: Actor, ticketId: string, body: string, internal = false): Promise<Ticket> {
    return withAccess(this.p.ctx, actor, async (gate) => {
      const t = await this.load(gate, ticketId, internal ? 'tickets.work' : 'tickets.raise');
      if (mayNotSee(actor, t))
        throw new AccordError(
          'FORBIDDEN',
          'Only whoever raised a data-protection query, the service desk and the DPO can comment on it.',
        );
      if (!body?.trim()) assertNoProblems([{ field: 'body', message: 'Enter the comment' }]);
      if (body.length > 10_000)
        assertNoProblems([{ field: 'body', message: 'Keep the comment to 10,000 characters' }]);
      const at = this.p.ctx.clock().toISOString();
      await repo.insertComment(gate.tx, {
        comment_id: randomUUID(),
        org_id: actor.orgId,
        ticket_id: t.ticket_id,
        author: actor.ref,
        body: body.trim(),
        internal: internal ? 1 : 0,
        created_at: at,
      });
      const set: Partial<TicketTable> = { updated_at: at };
      // The first answer the requester can see from someone else stops the clock to respond.
      if (!internal && !t.responded_at && actor.personId !== t.raised_by && isAgent(actor))
        set.responded_at = at;
      await repo.updateTicket(gate.tx, actor.orgId, t.ticket_id, set);
      gate.record(internal ? 'tickets.noted' : 'tickets.commented', `ticket:${t.ticket_id}`, {
        internal,
      });
      return this.view(gate, { ...t, ...set }, true);
    });
  }

  /**
   * Changes priority (the deadlines follow), status or assignee. The service desk may do any of
   * it; whoever raised a ticket may only close it or reopen it once resolved.
   */
  async update(actor: Actor, ticketId: string, input: TriageInput): Promise<Ticket> {
    return updateTicket(this, this.agents, actor, ticketId, input);
  }

  /** Tickets one application's queue shows (for the application page). */
  async forApplication(actor: Actor, appId: string, state: TicketFilter['state'] = 'all') {
    return this.queue(actor, { appId, state });
  }

  /** Kinds offered when raising a ticket. */
  static readonly kinds: readonly TicketKind[] = TICKET_KINDS;
}
