// The help desk: the queue everyone can see (per application, breaches flagged), raising a
// ticket, and a ticket's page with comments, internal notes, triage and access-request decisions.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../services.ts';
import type { Actor } from '../../domain/policy/actor.ts';
import { ROLES, ROLE_INFO } from '../../domain/policy/roles.ts';
import { PRIORITIES, PRIORITY_LABELS } from '../../domain/portfolio/settings.service.ts';
import {
  KIND_LABELS,
  TICKET_KINDS,
  TICKET_STATUSES,
} from '../../domain/portfolio/tickets.model.ts';
import { field, may, submitForm } from '../pages.ts';
import { doneOf, withDone } from '../flash.ts';

const kindOptions = TICKET_KINDS.map((k) => [k, KIND_LABELS[k]] as [string, string]);
const priorityOptions = PRIORITIES.map((x) => [x, PRIORITY_LABELS[x]] as [string, string]);
const roleOptions = ROLES.map((r) => [r, ROLE_INFO[r].label] as [string, string]);
const statusOptions = TICKET_STATUSES.map((s) => [s, s.replace('-', ' ')] as [string, string]);

export function portfolioHelpdeskPages(services: Services): FastifyPluginAsync {
  const p = services.portfolio;
  return async (app) => {
    app.get(
      '/helpdesk',
      { config: { page: 'tickets.read' }, schema: { hide: true } },
      async (req, reply) => {
        const q = req.query as { applicationId?: string; state?: string };
        const state = (['open', 'closed', 'all'].includes(q.state ?? '') ? q.state : 'open') as
          'open' | 'closed' | 'all';
        const apps = await p.applications.list(req.actor!);
        const appId = apps.some((a) => a.id === q.applicationId) ? q.applicationId : undefined;
        const queue = await p.tickets.queue(req.actor!, { appId, state });
        return reply.page('portfolio/helpdesk-queue.njk', {
          pageTitle: appId ? `Help desk: ${apps.find((a) => a.id === appId)!.name}` : 'Help desk',
          queue,
          apps: apps.map((a) => [a.id, a.name]),
          filter: { applicationId: appId ?? '', state },
          canRaise: may(req.actor, 'tickets.raise'),
        });
      },
    );

    const raiseForm = async (actor: Actor) => ({
      pageTitle: 'Raise a ticket',
      backLink: '/helpdesk',
      apps: (await p.applications.list(actor)).map((a) => [a.id, a.name]),
      kindOptions,
      priorityOptions,
      roleOptions,
      people: may(actor, 'people.read', null)
        ? (await services.people.list(actor))
            .filter((x) => x.status === 'active')
            .map((x) => [x.id, x.name])
        : null,
    });
    app.get(
      '/helpdesk/new',
      { config: { page: 'tickets.raise' }, schema: { hide: true } },
      async (req, reply) =>
        reply.page('portfolio/helpdesk-new.njk', {
          ...(await raiseForm(req.actor!)),
          values: { appId: (req.query as { applicationId?: string }).applicationId, kind: 'fault' },
        }),
    );
    app.post(
      '/helpdesk/new',
      { config: { page: 'tickets.raise' }, schema: { hide: true } },
      async (req, reply) =>
        submitForm(reply, 'portfolio/helpdesk-new.njk', await raiseForm(req.actor!), async () => {
          const kind = field(req.body, 'kind');
          const t = await p.tickets.raise(req.actor!, {
            appId: field(req.body, 'appId'),
            kind,
            title: field(req.body, 'title'),
            description: field(req.body, 'description'),
            priority: field(req.body, 'priority') || undefined,
            requestedRole: kind === 'access-request' ? field(req.body, 'requestedRole') : undefined,
            requestedFor:
              kind === 'access-request' ? field(req.body, 'requestedFor') || undefined : undefined,
          });
          return reply.redirect(`/helpdesk/${t.id}?raised=1`, 303);
        }),
    );

    const ticketPage = async (req: FastifyRequest) => {
      const actor = req.actor!;
      const t = await p.tickets.get(actor, (req.params as { ticketId: string }).ticketId);
      const agent = may(actor, 'tickets.work');
      return {
        pageTitle: `${t.reference}: ${t.title}`,
        backLink: `/helpdesk?applicationId=${t.appId}`,
        t,
        agent,
        mine: t.raisedBy === actor.personId,
        priorityOptions,
        statusOptions,
        agents: agent
          ? (
              await services.roles.register(actor, { role: 'administrator', status: 'current' })
            ).map((g) => [g.personId, g.personName])
          : [],
        done: (req.query as { raised?: string; done?: string }).raised
          ? 'Ticket raised.'
          : doneOf(req),
      };
    };

    app.get(
      '/helpdesk/:ticketId',
      { config: { page: 'tickets.read' }, schema: { hide: true } },
      async (req, reply) => reply.page('portfolio/helpdesk-ticket.njk', await ticketPage(req)),
    );

    /** A form on the ticket page: on success back to the page with a message. */
    const action = (
      path: string,
      page: 'tickets.raise' | 'tickets.work',
      work: (req: FastifyRequest, actor: Actor, id: string) => Promise<unknown>,
      message: string,
    ) =>
      app.post(
        path,
        { config: { page }, schema: { hide: true } },
        async (req, reply: FastifyReply) => {
          const data = await ticketPage(req);
          return submitForm(reply, 'portfolio/helpdesk-ticket.njk', data, async () => {
            await work(req, req.actor!, data.t.id);
            return reply.redirect(withDone(`/helpdesk/${data.t.id}`, message), 303);
          });
        },
      );

    action(
      '/helpdesk/:ticketId/comment',
      'tickets.raise',
      (req, a, id) => p.tickets.comment(a, id, field(req.body, 'body'), false),
      'Comment added.',
    );
    action(
      '/helpdesk/:ticketId/note',
      'tickets.work',
      (req, a, id) => p.tickets.comment(a, id, field(req.body, 'note'), true),
      'Internal note added.',
    );
    action(
      '/helpdesk/:ticketId/triage',
      'tickets.work',
      (req, a, id) =>
        p.tickets.update(a, id, {
          priority: field(req.body, 'priority') || undefined,
          status: field(req.body, 'status') || undefined,
          assigneeId: field(req.body, 'assigneeId') || null,
        }),
      'Ticket updated.',
    );
    action(
      '/helpdesk/:ticketId/status',
      'tickets.raise',
      (req, a, id) => p.tickets.update(a, id, { status: field(req.body, 'status') }),
      'Ticket updated.',
    );
    action(
      '/helpdesk/:ticketId/approve',
      'tickets.work',
      (req, a, id) => p.access.approve(a, id, field(req.body, 'note')),
      'Access request approved: the role is granted.',
    );
    action(
      '/helpdesk/:ticketId/refuse',
      'tickets.work',
      (req, a, id) => p.access.refuse(a, id, field(req.body, 'reason')),
      'Access request refused.',
    );
  };
}
